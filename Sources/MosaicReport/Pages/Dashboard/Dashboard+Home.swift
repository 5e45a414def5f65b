import Foundation
import MosaicCore
import MosaicDiagnostic

extension Dashboard {
    /// The store's districts and their terms: the home page.
    /// - Parameter headlines: each district's headline from its latest diagnostic: how far
    ///   its schools are from reflecting it, D across schools by dimension (race and income
    ///   are shown).
    /// - Parameter publicStates: the states with public-data districts (the finder's).
    /// - Parameter listing: which districts are listed: all of them up to a page's worth;
    ///   past that a page at a time, with a form to find one by name.
    public static func home(_ sites: [Site], headlines: [String: [MosaicCore.Dimension: Double]] = [:], publicStates: [(state: String, districts: Int)] = [],
                            listing: DistrictListing = DistrictListing(), viewer: String, account: HTML = "") -> HTML {
        var h = SiteNavigation(viewer: viewer, account: account, atHome: true).html
        h += "<h1>Is each student in a diverse school and diverse classes?</h1>"
        h += "<p>Mosaic measures diversity across schools, within schools and inside classrooms, by race and ethnicity, economic disadvantage, English learners, disability and gender, and follows it term by term.</p>"
        // Any US district first: most readers come to look up their own.
        if !publicStates.isEmpty { h += publicFinder(states: publicStates) }
        if sites.isEmpty && publicStates.isEmpty { h += "<p>The store holds no district yet: import a roster with <code>mosaic import</code>.</p>" }
        if !sites.isEmpty && !publicStates.isEmpty { h += "<h2>Districts with their own data</h2>" }
        // One row per district: a store may hold many (the demo: a synthetic roster
        // district and NYC's 32 community school districts; a state: hundreds, a page at a time).
        let shown = listing.shown(sites)
        let paged = listing.isPaged(sites)
        if paged {
            h += "<form class=\"find\" method=\"get\" action=\"/\" role=\"search\" aria-label=\"Districts with their own data\"><label>District name<input name=\"district\" type=\"search\" value=\"\(listing.filter)\" autocomplete=\"off\"></label><button type=\"submit\">Find</button>\((listing.filter.isEmpty ? "" : " <a href=\"/\">All districts</a>") as HTML)</form>"
            if shown.matched == 0 { h += "<p>No district with its own data has “\(listing.filter)” in its name.</p>" }
        }
        if !shown.rows.isEmpty {
            var caption = listing.filter.isEmpty ? "\(Format.count(sites.count)) district\(sites.count == 1 ? "" : "s")"
                : "\(Format.count(shown.matched)) of \(Format.count(sites.count)) districts have “\(listing.filter)” in their name"
            if shown.pages > 1 { caption += ": \(Format.count(shown.first))–\(Format.count(shown.first + shown.rows.count - 1)) shown" }
            h += "\(scrollRegion)<table><caption>\(caption)</caption><thead><tr><th scope=\"col\">District</th><th scope=\"col\" class=\"n\">Schools vs district, race (D)</th><th scope=\"col\" class=\"n\">by income (D)</th><th scope=\"col\">Latest term</th><th scope=\"col\" class=\"wide\">Earlier terms</th><th scope=\"col\">Across terms</th><th scope=\"col\">Families</th></tr></thead><tbody>"
            for s in shown.rows {
                let base = "/districts/\(urlEscape(s.district))"
                let latestLink: HTML = s.terms.last.map { "<a href=\"\(base)/terms/\(urlEscape($0.id))\">\($0.title)</a>" } ?? "–"
                let earlier: HTML = s.terms.dropLast().reversed().map { "<a href=\"\(base)/terms/\(urlEscape($0.id))\">\($0.title.components(separatedBy: " (").first ?? $0.title)</a>" }.joined(separator: " · ")
                // D as a number and a bar (0 = every school alike, 1 = complete separation).
                func d(_ dimension: MosaicCore.Dimension) -> HTML {
                    guard let v = headlines[s.district]?[dimension], v.isFinite else { return "<td class=\"n\">–</td>" }
                    return "<td class=\"n\" style=\"white-space:nowrap\">\(Format.fixed(v, 2)) <span aria-hidden=\"true\" style=\"display:inline-block;vertical-align:middle;width:4rem;height:.55rem;background:#eef2f7;border-radius:3px\"><span style=\"display:block;height:100%;width:\(Int((v * 100).rounded()))%;background:\(SeverityColour.of(index: v));border-radius:3px\"></span></span></td>"
                }
                h += "<tr><th scope=\"row\">\(s.name)\((s.synthetic ? " <span class=\"note\">(synthetic)</span>" : "") as HTML)</th>\(d(.race))\(d(.economic))<td>\(latestLink)</td><td class=\"wide\">\(earlier)</td><td style=\"white-space:nowrap\"><a href=\"\(base)/trends\">Trends</a> · <a href=\"\(base)/plan\">Action plan</a></td><td style=\"white-space:nowrap\"><a href=\"/find/\(urlEscape(s.district))\">Find a school</a></td></tr>"
            }
            h += "</tbody></table></div>"
            if shown.pages > 1 { h += pager(listing, page: shown.page, pages: shown.pages, matched: shown.matched) }
            h += "<p class=\"note\">D: the share of students who would have to change schools for every school to mirror its district (Massey &amp; Denton: under 0.3 low, 0.3–0.6 moderate, above 0.6 high). Synthetic districts are invented for demonstration; the NYC community school districts are the NYC DOE Demographic Snapshot (NYC Open Data), school-level counts.</p>"
        }
        return standalone(title: "Mosaic", css: publicStates.isEmpty && !paged ? "" : finderCSS, body: h)
    }

    /// Links to the previous and next pages of districts, keeping the filter.
    static func pager(_ listing: DistrictListing, page: Int, pages: Int, matched: Int) -> HTML {
        func link(_ k: Int) -> String {
            "/?page=\(k)" + (listing.filter.isEmpty ? "" : "&district=\(urlEscape(listing.filter))")
        }
        var h: HTML = "<nav class=\"pager\" aria-label=\"Pages of districts\"><p>"
        if page > 1 { h += "<a href=\"\(link(page - 1))\" rel=\"prev\">Previous \(listing.perPage)</a> · " }
        h += "page \(page) of \(pages)"
        if page < pages { h += " · <a href=\"\(link(page + 1))\" rel=\"next\">Next \(min(listing.perPage, matched - page * listing.perPage))</a>" }
        return h + "</p></nav>"
    }
}

/// Which districts with their own data the home page lists (issue 25: a statewide store
/// holds hundreds): all of them up to `perPage`; past that, or with a name filter, a page
/// at a time. The filter matches a district's name or id, ignoring case and accents.
public struct DistrictListing: Sendable, Equatable {
    /// Part of a district's name (or id); empty for every district.
    public var filter: String
    /// The page asked for, from 1 (a page past the last shows the last).
    public var page: Int
    public var perPage: Int

    public init(filter: String = "", page: Int = 1, perPage: Int = 50) {
        self.filter = String(filter.trimmingCharacters(in: .whitespaces).prefix(100))
        self.page = max(1, page)
        self.perPage = max(1, perPage)
    }

    /// Whether the list comes a page at a time with a form (more districts than a page, or
    /// a filter given).
    public func isPaged(_ sites: [Dashboard.Site]) -> Bool { sites.count > perPage || !filter.isEmpty }

    /// The districts matching the filter, in the order given.
    public func matching(_ sites: [Dashboard.Site]) -> [Dashboard.Site] {
        guard !filter.isEmpty else { return sites }
        return sites.filter {
            $0.name.range(of: filter, options: [.caseInsensitive, .diacriticInsensitive]) != nil
                || $0.district.range(of: filter, options: [.caseInsensitive]) != nil
        }
    }

    /// The page's rows, how many districts matched, the page shown (1…pages), the number of
    /// pages and the place (from 1) of the first row shown.
    public func shown(_ sites: [Dashboard.Site]) -> (rows: ArraySlice<Dashboard.Site>, matched: Int, page: Int, pages: Int, first: Int) {
        let matched = matching(sites)
        guard isPaged(sites) else { return (matched[...], matched.count, 1, 1, 1) }
        let pages = max(1, (matched.count + perPage - 1) / perPage)
        let page = min(self.page, pages)
        let from = (page - 1) * perPage
        return (matched[from..<min(matched.count, from + perPage)], matched.count, page, pages, from + 1)
    }
}
