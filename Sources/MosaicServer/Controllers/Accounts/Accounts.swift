import Synchronization
import Crypto
import Foundation
import HummingbirdBcrypt
import MosaicStore

/// Passwords and API tokens. Passwords are kept as bcrypt hashes (cost 12); a token is
/// 32 random bytes shown once, and the store keeps only its SHA-256.
public enum Accounts {
    /// The shortest password `mosaic user add` accepts.
    public static let minimumPasswordLength = 12

    /// - Parameter cost: bcrypt's work factor, 2^cost rounds (12 in use; tests may pass less).
    public static func hashPassword(_ password: String, cost: UInt8 = 12) -> String { Bcrypt.hash(password, cost: cost) }

    public static func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }

    /// A hash of a password no one has, at `cost`, made once per cost: a sign-in for an
    /// email with no account is checked against it, so that it takes as long as a wrong
    /// password for a real one (no one can tell which emails have accounts by timing).
    static func decoy(cost: UInt8) -> String {
        decoys.withLock { d in
            if let h = d[cost] { return h }
            let h = hashPassword(newToken(), cost: cost)
            d[cost] = h
            return h
        }
    }
    static let decoys = Mutex<[UInt8: String]>([:])

    /// The cost a bcrypt hash was made with (`$2b$12$…` → 12).
    static func cost(of hash: String) -> UInt8? {
        let parts = hash.split(separator: "$")
        return parts.count >= 3 ? UInt8(parts[1]) : nil
    }

    /// A new token: `mosaic_` and 43 characters of base64url.
    public static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "mosaic_" + base64
    }

    /// The hex SHA-256 of a token: what the store keeps and looks up.
    public static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Adds a user after checking what an analyst could get wrong.
    public static func addUser(email: String, role: Role, schools: [String], password: String, district: String,
                               to store: any Store, cost: UInt8 = 12) async throws {
        guard email.contains("@"), !email.contains(" ") else { throw AccountError.badEmail(email) }
        guard password.count >= minimumPasswordLength else { throw AccountError.shortPassword(minimumPasswordLength) }
        if role == .school && schools.isEmpty { throw AccountError.schoolRoleNeedsSchools }
        if role != .school && !schools.isEmpty { throw AccountError.schoolsOnlyForSchoolRole(role) }
        if !schools.isEmpty {
            // The schools must be the district's: those of its latest term.
            let terms = try await store.terms(district: district)
            if let latest = terms.last {
                let roster = try await store.roster(district: district, term: latest.id)
                let known = Set(roster.orgs.filter { $0.type == "school" }.map(\.id))
                let unknown = schools.filter { !known.contains($0) }
                if !unknown.isEmpty { throw AccountError.unknownSchools(unknown, term: latest.id, known: known.sorted()) }
            } else {
                throw AccountError.noTermForSchools(district)
            }
        }
        try await store.addUser(UserRecord(district: district, email: email.lowercased(), role: role, schools: schools,
                                           passwordHash: hashPassword(password, cost: cost), createdAt: Date()))
    }
}

public enum AccountError: Error, Equatable, CustomStringConvertible {
    case badEmail(String)
    case shortPassword(Int)
    case schoolRoleNeedsSchools
    case schoolsOnlyForSchoolRole(Role)
    case unknownSchools([String], term: String, known: [String])
    case noTermForSchools(String)

    public var description: String {
        switch self {
        case .badEmail(let e): "'\(e)' is not an email address"
        case .shortPassword(let n): "the password is shorter than \(n) characters"
        case .schoolRoleNeedsSchools: "a school leader needs the schools they lead: add --school ID (once per school)"
        case .schoolsOnlyForSchoolRole(let r): "--school is for the school role; a \(r.rawValue) user sees the whole district or its public view"
        case .unknownSchools(let ids, let term, let known):
            "no school \(ids.map { "'\($0)'" }.joined(separator: ", ")) in the district's latest term (\(term)); its schools: \(known.prefix(12).joined(separator: ", "))\(known.count > 12 ? ", …" : "")"
        case .noTermForSchools(let d): "district '\(d)' has no term yet, so no school to lead: import a roster first (mosaic import)"
        }
    }
}
