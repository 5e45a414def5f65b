import MosaicCore
import MosaicDiagnostic

/// The dashboard's pages, rendered on the server as plain HTML with inline SVG: no
/// script, readable on a phone, every chart with its `<title>`, `<desc>` and data table.
/// Every count passes `policy` (the viewer's: suppression for the public, none for the
/// district's own staff), through the same suppressed tables as the report and the API.
public struct Dashboard: Sendable {
    public struct Term: Sendable {
        public var id: String
        public var title: String
        public init(id: String, title: String) {
            self.id = id
            self.title = title
        }
    }

    public struct Site: Sendable {
        public var district: String
        public var name: String
        public var synthetic: Bool
        public var terms: [Term]
        /// Changes whenever a term is imported or replaced: caches key on it.
        public var version: String
        public init(district: String, name: String, synthetic: Bool, terms: [Term], version: String = "") {
            self.district = district
            self.name = name
            self.synthetic = synthetic
            self.terms = terms
            self.version = version
        }
    }

    public let site: Site
    public let policy: SuppressionPolicy
    /// Who is looking, as the navigation says it (`public view`, an email).
    public let viewer: String
    /// The sign-in link or sign-out form, as the server makes it (HTML).
    public var account: HTML = ""
    /// Whether the pages link to the district staff's own tools: student lists, the audit log.
    public var showsStudentLists = false
    /// Whether the school pages link to the schedule page (district staff and the
    /// school's own leaders).
    public var showsSchedule = false

    /// Who the pages are for: decides, with `policy`, what they may show.
    public var audience: Audience

    public init(site: Site, policy: SuppressionPolicy, viewer: String, audience: Audience? = nil) {
        self.site = site
        self.policy = policy
        self.viewer = viewer
        self.audience = audience ?? (policy.minimumN > 1 ? .public : .districtStaff)
    }

    /// What this dashboard's audience may see of `d`.
    public func disclosure(_ d: Diagnostic) -> DiagnosticDisclosure {
        DiagnosticDisclosure.cached(d, audience: audience, policy: policy.minimumN > 1 ? policy : nil)
    }

    public enum Page: String { case overview, schools, advanced, trends, plan, audit }

    var base: String { "/districts/\(urlEscape(site.district))" }
    func termBase(_ term: String) -> String { "\(base)/terms/\(urlEscape(term))" }

    func navigation(term: String?, current: Page) -> HTML {
        let t = term ?? site.terms.last?.id ?? ""
        var items: [SiteNavigation.Item] = [
            .label(site.name),
            .link("Overview", href: termBase(t), current: current == .overview),
            .link("Schools", href: "\(termBase(t))/schools", current: current == .schools),
            .link("Advanced coursework", href: "\(termBase(t))/advanced", current: current == .advanced),
            .link("Trends", href: "\(base)/trends", current: current == .trends),
            .link("Action plan", href: "\(base)/plan", current: current == .plan),
        ]
        if showsStudentLists { items.append(.link("Audit log", href: "\(base)/audit", current: current == .audit)) }
        if let term, site.terms.count > 1 {
            items.append(.note("Term: " + site.terms.map { x in
                x.id == term ? "<b>\(x.title)</b>" : "<a href=\"\(termBase(x.id))\(current == .overview ? "" : "/" + current.rawValue)\">\(x.title)</a>"
            }.joined(separator: " · ")))
        }
        return SiteNavigation(items, viewer: viewer, account: account).html
    }

    func report(_ d: Diagnostic, title: String, term: String?, current: Page) -> HTMLReport {
        var r = HTMLReport(d, disclosure: disclosure(d), synthetic: site.synthetic)
        r.navigation = navigation(term: term, current: current)
        r.pageTitle = "\(title) — \(site.name) — Mosaic"
        if let term { r.tableLinkPrefix = "\(termBase(term))/tables/" }
        r.toolLink = toolLinks(term: term ?? site.terms.last?.id ?? "")
        return r
    }

    /// Where each guidebook tool is for this district and term (the schools page for the
    /// tools that work one school at a time).
    func toolLinks(term: String) -> @Sendable (String) -> String? {
        let base = base, termBase = termBase(term)
        return { tool in
            switch tool {
            case "autoEnrollment": "\(termBase)/auto-enroll"
            case "boundaries": "\(base)/boundaries"
            case "diagnostic": termBase
            case "match": "\(base)/rounds"
            case "monitoring": "\(base)/trends"
            case "schoolFinder": "/find/\(base.dropFirst("/districts/".count))"
            case "enrichment", "scheduleAudit", "sectioning": "\(termBase)/schools"
            default: nil
            }
        }
    }

    // MARK: Pages

    /// The district overview: the three levels for every dimension and the findings (the
    /// report), with its tables as CSV beside it.
    /// The report the Key Question grid is drawn from: the term before for its changes, the
    /// schools page (sorted by distance from the district) for its links.
    func keyQuestionReport(_ d: Diagnostic, title: String, term: String, previous: Diagnostic?) -> HTMLReport {
        var r = report(d, title: title, term: term, current: .overview)
        if let i = site.terms.firstIndex(where: { $0.id == term }), i > 0, let previous {
            r.previous = (site.terms[i - 1].title, previous)
        }
        let schools = "\(termBase(term))/schools"
        r.schoolsLink = { dimension in "\(schools)?dimension=\(dimension.rawValue)&sort=difference" }
        return r
    }

    /// `previous`: the term before, for the changes the Key Question grid states.
    public func overview(_ d: Diagnostic, term: String, previous: Diagnostic? = nil) -> HTMLReport.Document {
        var r = keyQuestionReport(d, title: "Overview \(d.termTitle)", term: term, previous: previous)
        r.onePagerLink = "\(termBase(term))/one-pager"
        return r.document()
    }

    /// The printable one-pager for a board meeting (this dashboard's audience: the public
    /// view unless the server asks for the staff's).
    public func onePager(_ d: Diagnostic, term: String, previous: Diagnostic? = nil) -> HTML {
        let r = keyQuestionReport(d, title: "One-pager", term: term, previous: previous)
        return OnePager(district: site.name, termTitle: site.terms.first { $0.id == term }?.title ?? d.termTitle, report: r,
                        link: "the district's overview in Mosaic, \(termBase(term))").html
    }

    /// A page outside any term (home, errors), in the site's style.
    public static func standalone(title: String, css: HTML = "", refresh: Int? = nil, body: HTML) -> HTML {
        Layout.page(title: title, style: .site, css: css, refresh: refresh, body: body)
    }
}

/// Percent-escapes a path segment or query value.
public func urlEscape(_ s: String) -> String {
    s.addingPercentEncodingForURL()
}

extension String {
    func addingPercentEncodingForURL() -> String {
        var out = ""
        for b in utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(b)))
            default:
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
            }
        }
        return out
    }

    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
