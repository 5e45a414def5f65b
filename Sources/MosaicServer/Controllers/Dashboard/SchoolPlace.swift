import Hummingbird
import MosaicDiagnostic
import MosaicStore

/// A school's page in a term (schedule, open honors, enrichment), found once for every
/// such page: who asks and what they may do there, the term (with classes), the school's
/// name and the term's session from the kept diagnostic, and the session's CSRF token
/// for staff forms. The page that cannot be shown says why (refused, not found).
struct SchoolPlace: Sendable {
    var visitor: Pages.Visitor
    var access: Viewer.SchoolAccess
    var district: String
    var term: TermRecord
    var school: String
    var schoolName: String
    /// The roster's id of the term (its academic session).
    var session: String
    /// The signed-in session's CSRF token, for staff of the school only.
    var csrf: String?

    var staff: Bool { access == .unsuppressed }

    /// What a school's page is, for the messages that refuse it.
    struct Area {
        /// "schedules", "open-honors pages", "enrichment rounds".
        var plural: String
        /// Whether the public may read the page (else staff and the school's leaders only)…
        var publicView: Bool
        /// …and, when not, why.
        var staffOnlyReason: String = ""
        /// What a term of school counts lacks for this page.
        var needs: String
    }

    static func find(_ server: MosaicServer, _ context: MosaicRequestContext, _ area: Area) async throws -> Found<SchoolPlace> {
        let visitor = Pages(server: server).visitor(context)
        let district = try context.parameters.require("district"), term = try context.parameters.require("term")
        let school = try context.parameters.require("school")
        let access = visitor.viewer.access(school: school, in: district)
        switch access {
        case .unsuppressed: break
        case .forbidden:
            return .response(Pages.refused("Not one of your schools",
                                           "This account leads \(visitor.viewer.schools.joined(separator: ", ")); other schools' \(area.plural) are not open to it.",
                                           account: visitor.account))
        case .publicView where !area.publicView:
            return .response(Pages.refused("District staff and school leaders only", area.staffOnlyReason, account: visitor.account))
        case .publicView: break
        }
        let terms = try await server.store.terms(district: district)
        guard let record = terms.first(where: { $0.id == term }) else { return .response(Pages.notFound("District “\(district)” has no term “\(term)”.")) }
        guard record.sections > 0 else { return .response(Pages.notFound("Term “\(record.title)” holds school counts only: it has no \(area.needs).")) }
        guard let d = try await server.diagnostics.diagnostic(district: district, term: term, version: TermRecord.version(of: terms)),
              let name = d.dimensions.first?.acrossSchools.schools.first(where: { $0.id == school })?.name else {
            return .response(Pages.notFound("No school “\(school)” in this term."))
        }
        let csrf = access == .unsuppressed ? context.identity.signedIn.session?.csrf : nil
        return .found(SchoolPlace(visitor: visitor, access: access, district: district, term: record, school: school, schoolName: name,
                                  session: d.termID, csrf: csrf))
    }
}
