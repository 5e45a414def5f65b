import MosaicCore
import MosaicStore

/// Who is asking, and so what they may see (contract `service.md`, scopes).
public struct Viewer: Sendable, Equatable {
    public var role: Role?
    public var district: String?
    public var schools: [String]
    public var email: String?

    /// No token, no session: the public view.
    public static let anonymous = Viewer(role: nil, district: nil, schools: [], email: nil)

    public init(role: Role?, district: String?, schools: [String], email: String?) {
        self.role = role
        self.district = district
        self.schools = schools
        self.email = email
    }

    public init(_ user: UserRecord) {
        self.init(role: user.role, district: user.district, schools: user.schools, email: user.email)
    }

    /// What the viewer sees of a whole district's diagnostic: unsuppressed only for the
    /// district role in its own district; everyone else gets the public view.
    public func seesDistrictUnsuppressed(_ district: String) -> Bool {
        role == .district && self.district == district
    }

    public enum SchoolAccess: Sendable, Equatable { case unsuppressed, publicView, forbidden }

    /// A school's route: the district role in its district and a leader of that school
    /// see it unsuppressed; a school leader may not open another school's route of their
    /// district; everyone else sees the public view.
    public func access(school: String, in district: String) -> SchoolAccess {
        if seesDistrictUnsuppressed(district) { return .unsuppressed }
        if role == .school && self.district == district {
            return schools.contains(school) ? .unsuppressed : .forbidden
        }
        return .publicView
    }
}
