import Foundation
import MosaicCore
import MosaicStore

/// Terms' rosters, read from the store once per term and revision and kept for the
/// pages that need students (the family finder, open honors, enrichment): they used to
/// read the whole roster on every request (5–8 requests a second). At most `capacity`
/// rosters are kept, least recently used first out; a term's import or any change to it
/// (by this server or another on the same store) moves its key, so a stale roster is
/// never read.
actor RosterCache {
    private var entries: LeastRecentlyUsed<Roster>

    init(capacity: Int = 4) { entries = LeastRecentlyUsed(capacity: capacity) }

    /// How many rosters are kept.
    var count: Int { entries.count }

    /// The term's roster as it is now: `term` is the record just read from the store.
    func roster(_ term: TermRecord, from store: any Store) async throws -> Roster {
        let key = [term.district, term.id, "\(term.importedAt.timeIntervalSince1970)", "\(term.revision)"].joined(separator: "\u{1E}")
        if let kept = entries.value(for: key) { return kept }
        let roster = try await store.roster(district: term.district, term: term.id)
        entries.keep(roster, for: key)
        return roster
    }
}
