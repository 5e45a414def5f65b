import MosaicCore

extension String {
    /// The text escaped for HTML element content and attribute values (``esc(_:)``),
    /// for the pages the server writes around the report's.
    public var htmlEscaped: String { esc(self) }
}

/// Escapes text for HTML element content and attribute values.
func esc(_ s: String) -> String { markupEscaped(s) }

/// Opens a region that scrolls sideways on a narrow screen (wide tables): focusable, so a
/// keyboard can scroll it too (axe: scrollable-region-focusable, found at 390 px).
let scrollRegion = "<div class=\"scroll\" tabindex=\"0\">"

/// Colour-blind-safe colours for groups (Okabe & Ito 2008), grey for unknown or hidden.
let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
let hiddenColour = "#BBBBBB"

/// A table as HTML and as CSV, with the same cells.
struct DataTable {
    var caption: String
    var header: [String]
    var rows: [[String]]
    /// Which columns are numbers (right-aligned).
    var numeric: Set<Int>

    var html: String {
        var h = "<table><caption>\(esc(caption))</caption><thead><tr>"
        for (i, c) in header.enumerated() { h += "<th scope=\"col\"\(numeric.contains(i) ? " class=\"n\"" : "")>\(esc(c))</th>" }
        h += "</tr></thead><tbody>"
        for r in rows {
            h += "<tr>"
            for (i, c) in r.enumerated() {
                h += i == 0 ? "<th scope=\"row\">\(esc(c))</th>" : "<td\(numeric.contains(i) ? " class=\"n\"" : "")>\(esc(c))</td>"
            }
            h += "</tr>"
        }
        return h + "</tbody></table>"
    }

    var csv: String {
        ([header] + rows).map { $0.map(spreadsheetField).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}
