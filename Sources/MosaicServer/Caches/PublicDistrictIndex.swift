import Foundation
import MosaicStore

/// Every public-data district's id, name and state, read once per version of the public
/// data (``Store/publicDataVersion()``, which any server's import moves) and searched in
/// memory: the finder answers as a reader types without scanning the store each time.
/// About 12,800 districts: under 2 MB.
actor PublicDistrictIndex {
    struct Entry: Sendable {
        let record: DistrictRecord
        /// The name in lower case, as UTF-8 bytes (searched byte by byte).
        let key: [UInt8]
    }

    /// Whether `needle` occurs in `haystack`. - Complexity: O(haystack · needle).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        for i in 0...(haystack.count - needle.count) where haystack[i] == first {
            var j = 1
            while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
            if j == needle.count { return true }
        }
        return false
    }

    private var version: String?
    private var entries: [Entry] = []

    /// The districts whose name holds every word of `query` (any case), in `state` when
    /// given: those whose name starts with the query first, then by name; at most
    /// `limit`, and whether more match.
    /// - Complexity: O(districts · query words) per search.
    func search(_ query: String, state: String?, limit: Int, version: String,
                load: @Sendable () async throws -> [DistrictRecord]) async throws -> (found: [DistrictRecord], more: Bool) {
        if self.version != version {
            let all = try await load()
            entries = all.sorted { ($0.name, $0.state ?? "", $0.id) < ($1.name, $1.state ?? "", $1.id) }
                .map { Entry(record: $0, key: Array($0.name.lowercased().utf8)) }
            self.version = version
        }
        let words = query.lowercased().split(whereSeparator: \.isWhitespace).prefix(8).map { Array($0.utf8) }
        // Names that start with what was typed first ("cobb" finds Cobb County before
        // Acme-Cobb), then the others, each by name.
        let typed = Array(query.lowercased().trimmingCharacters(in: .whitespaces).utf8)
        var starting: [DistrictRecord] = [], others: [DistrictRecord] = []
        for e in entries where (state == nil || e.record.state == state) && words.allSatisfy({ Self.contains(e.key, $0) }) {
            if !typed.isEmpty && e.key.starts(with: typed) { starting.append(e.record) } else { others.append(e.record) }
            if starting.count > limit { break }
        }
        let found = starting + others
        return (Array(found.prefix(limit)), found.count > limit)
    }
}
