import MosaicCore

/// The district's term import in the browser: the form (a OneRoster zip, the term's name),
/// the job's progress while the roster is read, checked and diagnosed, and either the new
/// term's pages or every problem as `file:line: what` with nothing stored.
public struct ImportPage: Sendable {
    public var site: Dashboard.Site
    public var viewer: String
    public var account: HTML
    public var csrf: String

    public init(site: Dashboard.Site, viewer: String, account: HTML, csrf: String) {
        self.site = site
        self.viewer = viewer
        self.account = account
        self.csrf = csrf
    }

    var base: String { "/districts/\(urlEscape(site.district))/import" }

    func header(_ current: String?) -> HTML {
        SiteNavigation([.label(site.name), .link("Import a term", href: base, current: current == nil)],
                       viewer: viewer, account: account).html
    }

    /// The form; `problems` when the last upload was refused before it started.
    public func form(problems: [String] = [], term: String = "", title: String = "") -> HTML {
        var h = header(nil) + "<h1>Import a term</h1>"
        h += "<p>Upload the term's roster as a OneRoster 1.1 CSV zip (<code>orgs.csv</code>, <code>academicSessions.csv</code>, <code>courses.csv</code>, <code>classes.csv</code>, <code>users.csv</code>, <code>demographics.csv</code>, <code>enrollments.csv</code>, and Mosaic's optional files). Every file is checked first: with one problem, nothing is stored and every problem is listed with its file and line. Then the diagnostic is computed and the term is stored with it, all at once.</p>"
        if !problems.isEmpty {
            h += "<div class=\"problem\" role=\"alert\"><p><b>Nothing stored:</b></p><ul class=\"problems\">" + problems.prefix(200).map { "<li><code>\($0)</code></li>" as HTML }.joined() + "</ul></div>"
        }
        h += "<form method=\"post\" action=\"\(base)\" enctype=\"multipart/form-data\" class=\"tool\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">"
        h += "<label>Roster (.zip) <input type=\"file\" name=\"file\" accept=\".zip,application/zip\" required></label>"
        h += "<label>Term name, unique in the district <input name=\"term\" required maxlength=\"60\" pattern=\"[A-Za-z0-9._-]+\" value=\"\(term)\" placeholder=\"2026-fall\"></label>"
        h += "<label>Title as pages show it (optional) <input name=\"title\" maxlength=\"120\" value=\"\(title)\" placeholder=\"Fall 2026\"></label>"
        h += "<label><input type=\"checkbox\" name=\"replace\" value=\"yes\"> Replace the term if it is already stored</label>"
        h += "<button type=\"submit\">Check and import</button></form>"
        if !site.terms.isEmpty {
            h += "<p class=\"note\">Stored terms: " + site.terms.map { "<a href=\"/districts/\(urlEscape(site.district))/terms/\(urlEscape($0.id))\">\($0.title)</a>" as HTML }.joined(separator: " · ") + "</p>"
        }
        return Dashboard.standalone(title: "Import a term — \(site.name) — Mosaic", css: RoundsPage.css, body: h)
    }

    /// The job's page: progress (reloading itself), or what stopped it.
    public func job(name: String, step: String, done: Int, total: Int, ahead: Int?, problems: [String]?) -> HTML {
        var h = header("job") + "<h1>\(name)</h1>"
        if let problems {
            h += "<div class=\"problem\" role=\"alert\"><p><b>Nothing stored.</b> \(problems.count == 1 ? "One problem" : "\(problems.count) problems") to correct in the roster, then upload it again:</p><ul class=\"problems\">"
            h += problems.prefix(500).map { "<li><code>\($0)</code></li>" as HTML }.joined() + "</ul></div>"
            h += "<p><a href=\"\(base)\">Upload the corrected roster</a></p>"
            return Dashboard.standalone(title: "Import refused — \(site.name) — Mosaic", css: RoundsPage.css, body: h)
        }
        let share = total > 0 ? Double(done) / Double(total) : 0
        if let ahead, ahead >= 0 {
            h += "<p role=\"status\">Waiting: \(ahead) job\(ahead == 1 ? "" : "s") ahead of it.</p>"
        } else {
            h += "<p role=\"status\">\(step) — \(Format.percent(share, digits: 0))</p>"
        }
        h += "<progress max=\"\(total)\" value=\"\(done)\" aria-label=\"Import progress\" style=\"width:min(30rem,100%)\">\(Format.percent(share, digits: 0))</progress>"
        h += "<p class=\"note\">This page reloads itself every two seconds. The import goes on if you leave it.</p>"
        return Dashboard.standalone(title: "Importing — \(site.name) — Mosaic", css: RoundsPage.css, refresh: 2, body: h)
    }
}
