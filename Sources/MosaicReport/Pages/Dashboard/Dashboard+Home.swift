import MosaicCore
import MosaicDiagnostic

extension Dashboard {
    /// The store's districts and their terms: the home page.
    /// - Parameter headlines: each district's headline from its latest diagnostic: how far
    ///   its schools are from reflecting it, D across schools by dimension (race and income
    ///   are shown).
    /// - Parameter publicStates: the states with public-data districts (the finder's).
    public static func home(_ sites: [Site], headlines: [String: [Dimension: Double]] = [:], publicStates: [(state: String, districts: Int)] = [],
                            viewer: String, account: HTML = "") -> HTML {
        var h = SiteNavigation(viewer: viewer, account: account, atHome: true).html
        h += "<h1>Is each student in a diverse school and diverse classes?</h1>"
        h += "<p>Mosaic measures diversity across schools, within schools and inside classrooms, by race and ethnicity, economic disadvantage, English learners, disability and gender, and follows it term by term.</p>"
        // Any US district first: most readers come to look up their own.
        if !publicStates.isEmpty { h += publicFinder(states: publicStates) }
        if sites.isEmpty && publicStates.isEmpty { h += "<p>The store holds no district yet: import a roster with <code>mosaic import</code>.</p>" }
        if !sites.isEmpty && !publicStates.isEmpty { h += "<h2>Districts with their own data</h2>" }
        // One row per district: a store may hold many (the demo: a synthetic roster
        // district and NYC's 32 community school districts).
        if !sites.isEmpty {
            h += "\(scrollRegion)<table><caption>\(sites.count) district\(sites.count == 1 ? "" : "s")</caption><thead><tr><th scope=\"col\">District</th><th scope=\"col\" class=\"n\">Schools vs district, race (D)</th><th scope=\"col\" class=\"n\">by income (D)</th><th scope=\"col\">Latest term</th><th scope=\"col\" class=\"wide\">Earlier terms</th><th scope=\"col\">Across terms</th><th scope=\"col\">Families</th></tr></thead><tbody>"
            for s in sites {
                let base = "/districts/\(urlEscape(s.district))"
                let latestLink: HTML = s.terms.last.map { "<a href=\"\(base)/terms/\(urlEscape($0.id))\">\($0.title)</a>" } ?? "–"
                let earlier: HTML = s.terms.dropLast().reversed().map { "<a href=\"\(base)/terms/\(urlEscape($0.id))\">\($0.title.components(separatedBy: " (").first ?? $0.title)</a>" }.joined(separator: " · ")
                // D as a number and a bar (0 = every school alike, 1 = complete separation).
                func d(_ dimension: Dimension) -> HTML {
                    guard let v = headlines[s.district]?[dimension], v.isFinite else { return "<td class=\"n\">–</td>" }
                    return "<td class=\"n\" style=\"white-space:nowrap\">\(Format.fixed(v, 2)) <span aria-hidden=\"true\" style=\"display:inline-block;vertical-align:middle;width:4rem;height:.55rem;background:#eef2f7;border-radius:3px\"><span style=\"display:block;height:100%;width:\(Int((v * 100).rounded()))%;background:\(SeverityColour.of(index: v));border-radius:3px\"></span></span></td>"
                }
                h += "<tr><th scope=\"row\">\(s.name)\((s.synthetic ? " <span class=\"note\">(synthetic)</span>" : "") as HTML)</th>\(d(.race))\(d(.economic))<td>\(latestLink)</td><td class=\"wide\">\(earlier)</td><td style=\"white-space:nowrap\"><a href=\"\(base)/trends\">Trends</a> · <a href=\"\(base)/plan\">Action plan</a></td><td style=\"white-space:nowrap\"><a href=\"/find/\(urlEscape(s.district))\">Find a school</a></td></tr>"
            }
            h += "</tbody></table></div>"
            h += "<p class=\"note\">D: the share of students who would have to change schools for every school to mirror its district (Massey &amp; Denton: under 0.3 low, 0.3–0.6 moderate, above 0.6 high). Synthetic districts are invented for demonstration; the NYC community school districts are the NYC DOE Demographic Snapshot (NYC Open Data), school-level counts.</p>"
        }
        return standalone(title: "Mosaic", css: publicStates.isEmpty ? "" : finderCSS, body: h)
    }
}
