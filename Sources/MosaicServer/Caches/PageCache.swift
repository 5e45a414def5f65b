import Foundation
import MosaicDiagnostic
import MosaicReport

/// Rendered pages that are the same for every reader of a scope (the overview, the
/// busiest, above all), kept least-recently-used first and never more than `capacity`:
/// a key names the district, its version, the term, the policy and the page with its
/// parameters normalised to the values the page knows (an unknown `?sort=` is the
/// default sort), so no request can grow the cache past its bound. When a district's
/// version changes (a term imported or replaced, by this process or another) its old
/// pages are no longer asked for and age out.
actor PageCache {
    enum Entry {
        case page(HTML), text(String), report(HTMLReport.Document), finder([FinderSchool])
        var page: HTML? { if case .page(let x) = self { x } else { nil } }
        var text: String? { if case .text(let x) = self { x } else { nil } }
        var report: HTMLReport.Document? { if case .report(let x) = self { x } else { nil } }
        var finder: [FinderSchool]? { if case .finder(let x) = self { x } else { nil } }
    }

    /// Pages kept at most: the busiest pages of a few districts and terms (a public page
    /// is tens of kilobytes; 512 of them stay well under 50 MB).
    private var entries: LeastRecentlyUsed<Entry>

    init(capacity: Int = 512) { entries = LeastRecentlyUsed(capacity: capacity) }

    /// How many pages are kept (tests: the bound holds).
    var count: Int { entries.count }

    private func key(_ district: String, _ version: String, _ key: String) -> String {
        [district, version, key].joined(separator: "\u{1E}")
    }

    private func hit(_ k: String) -> Entry? { entries.value(for: k) }

    private func put(_ entry: Entry, _ k: String) { entries.keep(entry, for: k) }

    /// What is kept under `k` (read by `value`), or `make()`'s result, kept when there is one.
    private func memo<T>(_ k: String, _ value: (Entry) -> T?, _ entry: (T) -> Entry, make: () -> T?) -> T? {
        if let kept = hit(k).flatMap(value) { return kept }
        guard let made = make() else { return nil }
        put(entry(made), k)
        return made
    }

    /// The overview kept for this version, if any (served without decoding the diagnostic).
    func keptOverview(_ dashboard: Dashboard, term: String) -> HTMLReport.Document? {
        hit(key(dashboard.site.district, dashboard.site.version, pageKey(dashboard, term, "overview")))?.report
    }

    func overview(_ dashboard: Dashboard, _ d: Diagnostic, term: String, previous: Diagnostic?) -> HTMLReport.Document {
        let k = key(dashboard.site.district, dashboard.site.version, pageKey(dashboard, term, "overview"))
        return memo(k, \.report, Entry.report) { dashboard.overview(d, term: term, previous: previous) }!
    }

    /// The family finder's schools (courses, composition through the policy, locations),
    /// computed once per district version and rounds (`key` names both).
    func finder(_ key: String, district: String, version: String, compute: () async throws -> [FinderSchool]) async rethrows -> [FinderSchool] {
        let k = self.key(district, version, "finder\u{1F}" + key)
        if let schools = hit(k)?.finder { return schools }
        let schools = try await compute()
        put(.finder(schools), k)
        return schools
    }

    /// A page rendered once per key (the page and its normalised parameters).
    func page(_ key: String, site: Dashboard.Site, render: @Sendable () -> HTML?) -> HTML? {
        page(key, district: site.district, version: site.version, render: render)
    }

    func page(_ key: String, district: String, version: String, render: @Sendable () -> HTML?) -> HTML? {
        memo(self.key(district, version, key), \.page, Entry.page, make: render)
    }

    /// A JSON document rendered once per key (the API's, same for every reader of a scope).
    func text(_ key: String, district: String, version: String, render: @Sendable () -> String?) -> String? {
        memo(self.key(district, version, key), \.text, Entry.text, make: render)
    }

    /// A page already rendered for this version, for pages rendered asynchronously.
    func cached(_ key: String, district: String, version: String) -> HTML? { hit(self.key(district, version, key))?.page }

    func keep(_ page: HTML, as key: String, district: String, version: String) {
        put(.page(page), self.key(district, version, key))
    }
}
