import MosaicCore

/// Markup that may be sent to a browser: a typed value, never a bare `String`.
///
/// Only two things become markup as they are: literals written in this package's source
/// (`"<td class=\"n\">"`), and other `HTML` values. Everything else interpolated into an
/// `HTML` literal — a school's name, a query parameter, an email, a number formatted as
/// text — is escaped on the way in (`&`, `<`, `>`, `"`, `'`), so it is safe in element
/// content and in quoted attribute values alike:
///
///     let row: HTML = "<tr><th scope=\"row\">\(school.name)</th><td title=\"\(note)\">\(count)</td></tr>"
///
/// A `String` cannot be appended to `HTML` (no `+` or `+=` takes one) nor passed where
/// `HTML` is expected: the compiler refuses it, so forgetting to escape is not possible.
/// (JohnSundell/Plot was weighed and not taken: version 0.14 escapes text but writes
/// attribute values as given, `value="tok"en"`.)
///
/// - Complexity: building is appending to one string, O(length of the markup).
public struct HTML: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup, ready to send.
    public private(set) var markup: String

    /// A literal from the source: markup as written.
    public init(stringLiteral literal: String) { markup = literal }

    public init(stringInterpolation: Interpolation) { markup = stringInterpolation.markup }

    /// Text shown as text: escaped.
    public init(text: some StringProtocol) { markup = markupEscaped(String(text)) }

    public static let empty: HTML = ""

    public var description: String { markup }
    public var isEmpty: Bool { markup.isEmpty }

    public struct Interpolation: StringInterpolationProtocol {
        var markup = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            markup.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        /// The literal parts of the source: markup as written.
        public mutating func appendLiteral(_ literal: String) { markup += literal }
        /// Markup already made safe.
        public mutating func appendInterpolation(_ html: HTML) { markup += html.markup }
        /// Anything textual: escaped.
        public mutating func appendInterpolation(_ text: some StringProtocol) { markup += markupEscaped(String(text)) }
        /// Whole numbers: as digits.
        public mutating func appendInterpolation(_ n: some BinaryInteger) { markup += String(n) }
    }

    public static func + (a: HTML, b: HTML) -> HTML {
        var a = a
        a.markup += b.markup
        return a
    }

    public static func += (a: inout HTML, b: HTML) { a.markup += b.markup }
}

extension Sequence where Element == HTML {
    /// The pieces one after another, `separator` between them.
    public func joined(separator: HTML = .empty) -> HTML {
        var out = HTML.empty
        var first = true
        for piece in self {
            if !first { out += separator }
            out += piece
            first = false
        }
        return out
    }
}

extension String {
    /// The text escaped for HTML element content and attribute values, for code that
    /// writes markup as a `String` (prefer ``HTML``, which escapes by itself).
    public var htmlEscaped: String { markupEscaped(self) }
}

/// Opens a region that scrolls sideways on a narrow screen (wide tables): focusable, so a
/// keyboard can scroll it too (axe: scrollable-region-focusable, found at 390 px).
let scrollRegion: HTML = "<div class=\"scroll\" tabindex=\"0\">"

/// Colour-blind-safe colours for series that are not groups (thresholds, dimensions,
/// today/after): Okabe & Ito (2008) without its orange, sky blue and yellow, which draw
/// thin lines and marks at under 3:1 on white (WCAG 1.4.11); groups use ``GroupColour``.
public let seriesPalette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#7B3294", "#1F6F8B", "#6B6B00", "#000000"]
let palette = seriesPalette

/// A verdict's colour (low, moderate, high segregation; a Key Question cell's edge, the
/// home page's bars): at least 3:1 on white, never the only sign (the words and figure
/// are beside it).
public enum SeverityColour {
    public static let good = "#009E73", fair = "#A66300", poor = "#B0003A"
    static func of(index v: Double) -> String { v >= 0.6 ? poor : v >= 0.3 ? fair : good }
}
let hiddenColour = "#BBBBBB"

/// A table as HTML and as CSV, with the same cells.
struct DataTable {
    var caption: String
    var header: [String]
    var rows: [[String]]
    /// Which columns are numbers (right-aligned).
    var numeric: Set<Int>

    var html: HTML {
        func numberClass(_ i: Int) -> HTML { numeric.contains(i) ? " class=\"n\"" : "" }
        var h: HTML = "<table><caption>\(caption)</caption><thead><tr>"
        for (i, c) in header.enumerated() { h += "<th scope=\"col\"\(numberClass(i))>\(c)</th>" }
        h += "</tr></thead><tbody>"
        for r in rows {
            h += "<tr>"
            for (i, c) in r.enumerated() {
                h += i == 0 ? "<th scope=\"row\">\(c)</th>" : "<td\(numberClass(i))>\(c)</td>"
            }
            h += "</tr>"
        }
        return h + "</tbody></table>"
    }

    /// The table in its own region that scrolls sideways on a narrow screen (the page
    /// itself never does: WCAG 1.4.10).
    var scrolled: HTML { scrollRegion + html + "</div>" }

    var csv: String {
        ([header] + rows).map { $0.map(spreadsheetField).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
