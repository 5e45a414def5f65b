import Foundation
import MosaicDiagnostic
import MosaicStore

/// Decoded diagnostics, read from the store once per district version: a term's
/// diagnostic changes only by an import, which changes the version.
actor DiagnosticCache {
    let store: any Store
    /// By district: its version and its decoded diagnostics by term.
    var decoded: [String: (version: String, terms: [String: Diagnostic])] = [:]

    init(store: any Store) { self.store = store }

    /// - Parameter version: the district's ``TermRecord/version(of:)``: after an import
    ///   (another process may make it) the district's diagnostics are read afresh.
    func diagnostic(district: String, term: String, version: String) async throws -> Diagnostic? {
        if let entry = decoded[district], entry.version == version, let d = entry.terms[term] { return d }
        guard let kept = try await store.diagnostic(district: district, term: term) else { return nil }
        let d = try Diagnostic(archived: kept.json)
        if decoded[district]?.version != version { decoded[district] = (version, [:]) }
        decoded[district]!.terms[term] = d
        return d
    }
}

extension TermRecord {
    /// A district's version: the latest time one of its terms was imported, and every
    /// term's revision (changes since its import, made by any server on the store).
    static func version(of terms: [TermRecord]) -> String {
        guard let latest = terms.map(\.importedAt).max() else { return "" }
        return "\(latest.timeIntervalSince1970)/\(terms.map { "\($0.revision)" }.joined(separator: "."))"
    }
}
