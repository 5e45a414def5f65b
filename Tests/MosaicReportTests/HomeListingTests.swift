import MosaicCore
import MosaicReport
import Testing

/// The home page's list of districts with their own data (issue 25, a state on one
/// deployment): every district up to a page's worth, as before; past that a page at a
/// time with a pager, and a form that finds a district by name.
@Suite struct HomeListingTests {
    static func sites(_ n: Int) -> [Dashboard.Site] {
        (1...n).map { k in
            Dashboard.Site(district: String(format: "d%03d", k), name: k == 7 ? "Écoles de Saint-Jérôme" : "District \(k)", synthetic: true,
                           terms: [.init(id: "2026", title: "2026")], version: "v\(k)")
        }
    }

    static func rows(_ page: HTML) -> Int { page.markup.components(separatedBy: "<tr><th scope=\"row\">").count - 1 }

    @Test func upToAPageEveryDistrictIsListedWithoutAForm() {
        let page = Dashboard.home(Self.sites(50), listing: DistrictListing(perPage: 50), viewer: "public")
        #expect(Self.rows(page) == 50 && page.markup.contains("<caption>50 districts</caption>"))
        #expect(!page.markup.contains("name=\"district\"") && !page.markup.contains("Pages of districts"))
    }

    @Test func pastAPageTheyComeAPageAtATime() {
        let sites = Self.sites(120)
        let first = Dashboard.home(sites, listing: DistrictListing(perPage: 50), viewer: "public")
        #expect(Self.rows(first) == 50 && first.markup.contains("120 districts: 1–50 shown"))
        #expect(first.markup.contains("name=\"district\"") && first.markup.contains("page 1 of 3"))
        #expect(first.markup.contains("<a href=\"/?page=2\" rel=\"next\">Next 50</a>") && !first.markup.contains("rel=\"prev\""))
        let last = Dashboard.home(sites, listing: DistrictListing(page: 3, perPage: 50), viewer: "public")
        #expect(Self.rows(last) == 20 && last.markup.contains("101–120 shown") && last.markup.contains(">District 120 "))
        #expect(!last.markup.contains(">District 100 ") && last.markup.contains("rel=\"prev\"") && !last.markup.contains("rel=\"next\""))
        // A page past the last shows the last; the page before it says how many come next.
        #expect(Dashboard.home(sites, listing: DistrictListing(page: 99, perPage: 50), viewer: "public").markup == last.markup)
        #expect(Dashboard.home(sites, listing: DistrictListing(page: 2, perPage: 50), viewer: "public").markup.contains("rel=\"next\">Next 20</a>"))
    }

    @Test func aFilterFindsDistrictsByNameIgnoringCaseAndAccents() {
        let sites = Self.sites(120)
        let one = DistrictListing(filter: "  saint-jerome ", perPage: 50)
        #expect(one.matching(sites).map(\.district) == ["d007"])
        let page = Dashboard.home(sites, listing: one, viewer: "public")
        #expect(Self.rows(page) == 1 && page.markup.contains("1 of 120 districts have “saint-jerome” in their name"))
        #expect(page.markup.contains("<a href=\"/\">All districts</a>"))
        // By id too, and paged within the matches, keeping the filter in the links.
        #expect(DistrictListing(filter: "D01", perPage: 50).matching(sites).count == 10)
        let many = Dashboard.home(sites, listing: DistrictListing(filter: "district 1", perPage: 10), viewer: "public")
        #expect(Self.rows(many) == 10 && many.markup.contains("href=\"/?page=2&amp;district=district%201\""))
        // Nothing matches: said, and no empty table; a hostile filter is shown as text.
        let none = Dashboard.home(sites, listing: DistrictListing(filter: #"<script>"x"</script>"#, perPage: 50), viewer: "public")
        #expect(Self.rows(none) == 0 && !none.markup.contains("<table>") && !none.markup.contains("<script>\"x\""))
        #expect(none.markup.contains("No district with its own data has “&lt;script&gt;&quot;x&quot;&lt;/script&gt;” in its name."))
    }
}
