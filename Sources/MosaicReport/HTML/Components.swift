import MosaicCore

/// The site's navigation bar, on every page: the brand, the page's places (the current
/// one marked for assistive technology), who is looking, and their sign-in link or
/// sign-out form.
public struct SiteNavigation: Sendable {
    public enum Item: Sendable {
        /// A place; `current` marks the page itself (`aria-current="page"`).
        case link(String, href: String, current: Bool = false)
        /// A name shown, not linked (the district's).
        case label(String)
        /// A small note with its own markup (the terms to switch between).
        case note(HTML)
    }

    public var items: [Item]
    /// Who is looking, as the bar says it (`Public view · …`, an email); nil for none.
    public var viewer: String?
    public var account: HTML
    /// The home page marks the brand itself as the current page.
    public var atHome: Bool

    public init(_ items: [Item] = [], viewer: String? = nil, account: HTML = "", atHome: Bool = false) {
        self.items = items
        self.viewer = viewer
        self.account = account
        self.atHome = atHome
    }

    public var html: HTML {
        var h: HTML = "<nav class=\"site\" aria-label=\"Site\"><a class=\"brand\" href=\"/\"\((atHome ? " aria-current=\"page\"" : "") as HTML)>Mosaic</a>"
        for item in items {
            switch item {
            case .link(let label, let href, let current):
                h += "<a href=\"\(href)\"\((current ? " aria-current=\"page\"" : "") as HTML)>\(label)</a>"
            case .label(let text): h += "<span>\(text)</span>"
            case .note(let note): h += "<span class=\"note\">\(note)</span>"
            }
        }
        if let viewer { h += "<span class=\"note\">\(viewer)</span>" }
        return h + account + "</nav>"
    }
}

/// Headline figures as cards: each a value and what it is.
struct Cards {
    var cards: [(value: HTML, label: HTML, tone: String?)] = []

    /// A card; `tone` classes its value (`ok`, `bad`).
    mutating func add(_ value: HTML, _ label: HTML, tone: String? = nil) { cards.append((value, label, tone)) }

    var html: HTML {
        "<div class=\"kpis\">" + cards.map { c in
            "<div class=\"kpi\"><b\(c.tone.map { " class=\"\($0)\"" as HTML } ?? "")>\(c.value)</b><span>\(c.label)</span></div>" as HTML
        }.joined() + "</div>"
    }
}

/// A rate as a table shows it: the share, `suppressed` where the viewer may not see it,
/// `–` where the group has nobody.
func rateCell(_ rate: Double?, of students: Int) -> String {
    guard students > 0 else { return "–" }
    return rate.map { Format.percent($0) } ?? "suppressed"
}

/// A group's name in a table or legend (`Unknown` for students without the attribute).
func groupLabel(_ group: String) -> String { group == "unknown" ? "Unknown" : Dimension.label(group) }
