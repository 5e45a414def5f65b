import MosaicCore

/// The one layout every page is drawn in: the document, its head, the site's styles, the
/// body. Pages give it a title (text, escaped), a style and their markup.
public enum Layout {
    /// Which styles a page carries.
    public enum Style: Sendable {
        /// The dashboard's pages outside the report: home, errors, tools, sign-in.
        case site
        /// The diagnostic report and the term pages built on it (findings, cards, charts).
        case report
        /// The families' pages: larger type, one column, forms.
        case family
    }

    /// A whole page.
    /// `refresh`: seconds after which the browser reloads it (a job's progress page).
    /// `css`: the page's own styles, after the style's.
    public static func page(title: String, language: String = "en", style: Style, css: HTML = "", refresh: Int? = nil, body: HTML) -> HTML {
        page(title: HTML(text: title), language: language, style: style, css: css, refresh: refresh, body: body)
    }

    static func page(title: HTML, language: String = "en", style: Style, css: HTML = "", refresh: Int? = nil, body: HTML) -> HTML {
        let reload: HTML = refresh.map { "<meta http-equiv=\"refresh\" content=\"\($0)\">" } ?? ""
        return """
        <!DOCTYPE html>
        <html lang="\(language)"><head>\(reload)<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title><style>
        \(Self.css(style))\(skipCSS)\(css)
        </style></head><body>\(landmarks(body, language: language))</body></html>

        """
    }

    /// The body in its landmarks: a skip link first (the first thing a keyboard reaches),
    /// the site's navigation bar where the page opens with it, and everything else in
    /// `<main id="main">` — so every piece of content sits in a landmark (WCAG 2.4.1; axe:
    /// landmark-one-main, region). A page that draws its own `<main>` is left as it is.
    static func landmarks(_ body: HTML, language: String) -> HTML {
        let skip: HTML = "<a class=\"skip\" href=\"#main\">\(language == "es" ? "Ir al contenido" : "Skip to content")</a>"
        let markup = body.markup
        if markup.contains("<main") { return skip + body }
        var navigation = ""
        var rest = Substring(markup)
        if markup.hasPrefix("<nav"), let end = markup.range(of: "</nav>") {
            navigation = String(markup[..<end.upperBound])
            rest = markup[end.upperBound...]
        }
        return skip + HTML(stringLiteral: navigation) + "<main id=\"main\">" + HTML(stringLiteral: String(rest)) + "</main>"
    }

    /// The skip link, shown only when focused; a focus ring of at least 3:1 against the page
    /// on every control (WCAG 1.4.11, 2.4.7).
    static let skipCSS: HTML = """
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        .skip{position:absolute;left:-999px;top:.4rem;background:#fff;color:#0a58ca;padding:.4rem .8rem;border:2px solid #0a58ca;border-radius:6px;z-index:10}.skip:focus{left:.6rem}
        :focus-visible{outline:3px solid #0a58ca;outline-offset:2px}main:focus{outline:none}
        input,select,textarea{box-sizing:border-box;max-width:100%}svg{max-width:100%;height:auto}
        """

    static let base: HTML = """
        body{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;max-width:1100px;margin:0 auto;padding:1rem 1.25rem 4rem}
        """

    static func css(_ style: Style) -> HTML {
        switch style {
        case .site:
            """
            \(base)
            h1{font-size:1.8rem;margin:.2rem 0}h2{font-size:1.3rem;margin-top:2rem}.note{color:#555;font-size:.9rem}
            \(HTMLReport.siteCSS)
            \(HTMLReport.chartCSS)
            """
        case .report:
            """
            \(base)
            h1{font-size:1.8rem;margin:.2rem 0}h2{font-size:1.4rem;margin-top:2.5rem;border-bottom:2px solid #ddd;padding-bottom:.2rem}h3{font-size:1.15rem;margin:1.8rem 0 .3rem}h4{font-size:1rem;margin:1rem 0 .3rem;color:#333}
            .synthetic{background:#fff3cd;border:1px solid #e0c36a;padding:.5rem .8rem;border-radius:6px;margin:.8rem 0}
            \(HTMLReport.kpiCSS)
            \(HTMLReport.chartCSS)
            .finding{border-left:4px solid #0072B2;background:#f8fafc;padding:.5rem .8rem;margin:.6rem 0}
            .finding.courseEnrollment{border-color:#A66300}.finding.scheduling{border-color:#009E73}
            .finding ul{margin:.3rem 0 0 1rem;padding:0;font-size:.92rem;color:#333}
            ol.findings{padding-left:1.6rem}ol.findings li.finding{margin:.5rem 0}.tag{display:block;font-size:.8rem;font-weight:600;color:#444}
            .note{color:#555;font-size:.9rem}
            \(HTMLReport.siteCSS)
            """
        case .family:
            """
            body{font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;max-width:760px;margin:0 auto;padding:1rem 1.25rem 4rem}
            h1{font-size:1.7rem;margin:.4rem 0 1rem}h2{font-size:1.25rem;margin-top:2rem}
            nav{display:flex;justify-content:space-between;border-bottom:1px solid #ddd;padding:.4rem 0 .6rem}nav a{color:#0a58ca}
            fieldset{border:1px solid #bbb;border-radius:8px;margin:1rem 0;padding:.6rem 1rem 1rem}legend{font-weight:600;padding:0 .3rem}
            label{display:block;margin:.7rem 0 .2rem;font-weight:500}select,input[type=text]{font:inherit;padding:.45rem;border:1px solid #666;border-radius:6px;min-width:16rem;max-width:100%}
            input[type=checkbox]{width:1.2rem;height:1.2rem;vertical-align:-3px;margin-right:.4rem}
            button{font:inherit;font-weight:600;background:#0a58ca;color:#fff;border:0;border-radius:6px;padding:.6rem 1.2rem;margin-top:1rem;cursor:pointer}
                        .problem{border-left:4px solid #b00020;background:#fdecee;padding:.5rem .8rem}.codes{font:600 1.4rem ui-monospace,monospace;background:#f5f7fa;padding:.8rem 1rem;border-radius:8px}
            .note{color:#444;font-size:.95rem}section.school{border-top:1px solid #ddd;margin-top:1.2rem}h3{font-size:1.02rem;margin:.8rem 0 .2rem}
            section.school ul{margin:.2rem 0;padding-left:1.2rem}.dim{font-weight:600}
            """
        }
    }
}
