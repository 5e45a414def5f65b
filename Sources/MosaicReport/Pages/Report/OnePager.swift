import Foundation
import MosaicCore
import MosaicDiagnostic

/// The one-pager for a board meeting: the Key Question at a glance (three levels × every
/// dimension, with the change since the term before), the findings that affect the most
/// students, and what the figures mean — on one printed page (letter or A4), in the public
/// view unless the district's staff ask for theirs. Plain HTML with print styles; the
/// server prints it to PDF with headless Chromium.
public struct OnePager {
    public var district: String
    public var termTitle: String
    public var report: HTMLReport
    /// Where the full overview is, printed at the foot.
    public var link: String
    /// Findings listed (the most students affected first).
    public var findings = 5

    public init(district: String, termTitle: String, report: HTMLReport, link: String) {
        self.district = district
        self.termTitle = termTitle
        self.report = report
        self.link = link
    }

    public var html: HTML {
        let d = report.d
        var h: HTML = "<header class=\"one\"><p class=\"kicker\">\(district) · \(termTitle)</p>"
        h += "<h1>Is each student in a diverse school and diverse classes?</h1>"
        h += "<p class=\"note\">\(Format.count(d.students)) students · \(d.schools) schools\(d.hasClassrooms ? " · \(Format.count(d.classes)) classes" : "")"
        h += report.disclosure.showsEverything ? " · <b>staff view: every count shown — not for publication</b>" : " · public view: counts under \(report.policy.minimumN) are not shown, nor anything that would give them back"
        h += "</p></header>"
        let grid = report.keyQuestion
        h += grid.html
        let ranked = d.rankedFindings
        h += "<section class=\"top\"><h2>What stands out</h2>"
        if ranked.isEmpty {
            h += "<p>No finding: nothing beyond chance and the thresholds.</p>"
        } else {
            h += "<ol>"
            for (f, _) in ranked.prefix(findings) {
                let cause = HTMLReport.causes.first { $0.level == f.level }?.title ?? ""
                h += "<li><b>\(cause), \(f.dimension.title.lowercased()):</b> \(report.disclosure.message(f, in: d))</li>"
            }
            h += "</ol>"
            if ranked.count > findings { h += "<p class=\"note\">\(ranked.count - findings) more findings in the full overview.</p>" }
        }
        h += "</section>"
        h += "<footer class=\"note\"><p><b>How to read it.</b> District vs. reference: the share of the district's students who would have to be of another group to match it. Schools vs. the district: D, the share of students who would have to change schools for each to mirror the district (below 0.30 low, above 0.60 high). Classrooms: schools whose classes are more segregated than placing their own students at random would make them. Full figures, charts and data tables: \(link)</p></footer>"
        return Layout.page(title: "\(district) — \(termTitle) — one-pager — Mosaic", style: .report,
                           css: KeyQuestion.css + Self.css, body: h)
    }

    /// Compact on screen, one page on paper: the grid's words kept, the links dropped.
    static let css: HTML = """
        body{max-width:960px}header.one h1{font-size:1.5rem;margin:.1rem 0}.kicker{font-weight:600;color:#333;margin:0}
        section.top ol{padding-left:1.3rem}section.top li{margin:.25rem 0}footer{margin-top:1rem}
        @page{size:letter;margin:0.45in}
        @media print{body{font-size:9.5pt;padding:0;max-width:none}.skip,nav{display:none}h2{font-size:12pt;margin:.5rem 0 .2rem;border:0}
        table.kq{font-size:8pt}table.kq td,table.kq th{padding:.1rem .3rem}td.kq a,details,td.kq .words,#key-question>p,table.kq caption{display:none}
        td.kq .fig{font-size:9pt;display:inline}td.kq .verdict{display:inline;margin-left:.3rem}section.top li{font-size:8.5pt;margin:.1rem 0}
        a{color:inherit;text-decoration:none}.note{font-size:8pt}}
        """
}
