import Foundation
import MosaicCore
import MosaicDiagnostic
import MosaicStore

/// Decoded diagnostics, read from the store once per district version: a term's
/// diagnostic changes only by an import, which changes the version. At most `capacity`
/// districts are kept decoded (least recently used first out): a decoded diagnostic of a
/// 10,000-student district is about 4 MB, and a server of a state's 200 districts held
/// all of them (817 MB resident, `scripts/bench/state`). The home page's headline (D
/// across schools by dimension) is kept apart for every district: a few numbers each.
actor DiagnosticCache {
    let store: any Store
    /// By district: its version and its decoded diagnostics by term.
    private var decoded: LeastRecentlyUsed<(version: String, terms: [String: Diagnostic])>
    /// By district: the version and term of its headline, and D across schools by dimension.
    private var headlines: [String: (version: String, term: String, values: [MosaicCore.Dimension: Double])] = [:]
    /// Diagnostics decoded since the start (tests read it).
    private(set) var decodes = 0

    init(store: any Store, capacity: Int = 32) {
        self.store = store
        decoded = LeastRecentlyUsed(capacity: capacity)
    }

    /// Districts kept decoded now.
    var districtsKept: Int { decoded.count }

    /// - Parameter version: the district's ``TermRecord/version(of:)``: after an import
    ///   (another process may make it) the district's diagnostics are read afresh.
    func diagnostic(district: String, term: String, version: String) async throws -> Diagnostic? {
        var entry = decoded.value(for: district)
        if let entry, entry.version == version, let d = entry.terms[term] { return d }
        guard let kept = try await store.diagnostic(district: district, term: term) else { return nil }
        let d = try Diagnostic(archived: kept.json)
        decodes += 1
        // Read again after the await: another request may have kept it meanwhile.
        entry = decoded.value(for: district)
        if entry?.version != version { entry = (version, [:]) }
        entry!.terms[term] = d
        decoded.keep(entry!, for: district)
        return d
    }

    /// The district's D across schools by dimension in a term's diagnostic (the home
    /// page's headline), decoding it only when the district's version has moved.
    func headline(district: String, term: String, version: String) async throws -> [MosaicCore.Dimension: Double]? {
        if let h = headlines[district], h.version == version, h.term == term { return h.values }
        guard let d = try await diagnostic(district: district, term: term, version: version) else { return nil }
        let values = Dictionary(d.dimensions.map { ($0.dimension, $0.acrossSchools.D) }, uniquingKeysWith: { a, _ in a })
        headlines[district] = (version, term, values)
        return values
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
