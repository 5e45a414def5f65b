import Foundation
import MosaicCore

/// A language a family can read Mosaic's family pages in; its strings are a resource
/// file (`Resources/family-<code>.json`), one per language, with the same keys.
public enum Language: String, Sendable, CaseIterable {
    case en, es

    /// The language a request asks for: `?lang=`, then the remembered choice (cookie), then
    /// the browser's Accept-Language; English otherwise.
    public static func chosen(query: String?, cookie: String?, acceptLanguage: String?) -> Language {
        if let q = query.flatMap(Language.init(rawValue:)) { return q }
        if let c = cookie.flatMap(Language.init(rawValue:)) { return c }
        for part in (acceptLanguage ?? "").split(separator: ",") {
            let code = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).prefix(2).lowercased() } ?? ""
            if let l = Language(rawValue: String(code)) { return l }
        }
        return .en
    }
}

/// The strings of one language, read once from its resource file.
public struct Translations: Sendable {
    public let language: Language
    let strings: [String: String]

    public static let all: [Language: Translations] = Dictionary(uniqueKeysWithValues: Language.allCases.map { ($0, load($0)) })

    static func load(_ language: Language) -> Translations {
        guard let url = Bundle.module.url(forResource: "family-\(language.rawValue)", withExtension: "json", subdirectory: "Resources"),
              let data = try? Data(contentsOf: url),
              let strings = try? JSONDecoder().decode([String: String].self, from: data) else {
            preconditionFailure("the resource family-\(language.rawValue).json is missing from the MosaicReport bundle")
        }
        return Translations(language: language, strings: strings)
    }

    public static subscript(_ language: Language) -> Translations { all[language]! }

    /// The string for `key` with each `%@` replaced in turn by `arguments` (escaped for
    /// HTML); the key itself when a translation is missing, so a gap shows, not a blank.
    public func callAsFunction(_ key: String, _ arguments: String...) -> String { self(key, arguments) }

    public func callAsFunction(_ key: String, _ arguments: [String]) -> String {
        var text = esc(strings[key] ?? key)
        for a in arguments {
            guard let r = text.range(of: "%@") else { break }
            text.replaceSubrange(r, with: esc(a))
        }
        return text
    }

    public var keys: Set<String> { Set(strings.keys) }
}

/// The pages families use, in their language: the application form, the codes it gives,
/// and the result with its explanation. Plain data in, HTML out.
public struct FamilyPages: Sendable {
    public let t: Translations
    /// The page's own path, for the language switch.
    public let path: String

    public init(language: Language, path: String) {
        t = Translations[language]
        self.path = path
    }

    public struct School: Sendable {
        public var id: String
        public var name: String
        public init(id: String, name: String) {
            self.id = id
            self.name = name
        }
    }

    func page(_ title: String, _ body: String) -> String {
        let other: Language = t.language == .en ? .es : .en
        let switcher = "<a href=\"\(esc(path))?lang=\(other.rawValue)\" lang=\"\(other.rawValue)\" hreflang=\"\(other.rawValue)\">\(Translations[other]("lang.name"))</a>"
        return """
            <!DOCTYPE html>
            <html lang="\(t.language.rawValue)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title><style>
            body{font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;max-width:760px;margin:0 auto;padding:1rem 1.25rem 4rem}
            h1{font-size:1.7rem;margin:.4rem 0 1rem}h2{font-size:1.25rem;margin-top:2rem}
            nav{display:flex;justify-content:space-between;border-bottom:1px solid #ddd;padding:.4rem 0 .6rem}nav a{color:#0a58ca}
            fieldset{border:1px solid #bbb;border-radius:8px;margin:1rem 0;padding:.6rem 1rem 1rem}legend{font-weight:600;padding:0 .3rem}
            label{display:block;margin:.7rem 0 .2rem;font-weight:500}select,input[type=text]{font:inherit;padding:.45rem;border:1px solid #666;border-radius:6px;min-width:16rem;max-width:100%}
            input[type=checkbox]{width:1.2rem;height:1.2rem;vertical-align:-3px;margin-right:.4rem}
            button{font:inherit;font-weight:600;background:#0a58ca;color:#fff;border:0;border-radius:6px;padding:.6rem 1.2rem;margin-top:1rem;cursor:pointer}
            :focus-visible{outline:3px solid #E69F00;outline-offset:2px}
            .problem{border-left:4px solid #b00020;background:#fdecee;padding:.5rem .8rem}.codes{font:600 1.4rem ui-monospace,monospace;background:#f5f7fa;padding:.8rem 1rem;border-radius:8px}
            .note{color:#444;font-size:.95rem}section.school{border-top:1px solid #ddd;margin-top:1.2rem}h3{font-size:1.02rem;margin:.8rem 0 .2rem}
            section.school ul{margin:.2rem 0;padding-left:1.2rem}.dim{font-weight:600}
            </style></head><body><nav><a href="/">Mosaic</a>\(switcher)</nav><main>\(body)</main></body></html>

            """
    }

    /// Each message a translation key, or a key and its arguments made by ``problem(_:_:)``.
    func problems(_ messages: [String]) -> String {
        messages.isEmpty ? "" : "<div class=\"problem\" role=\"alert\">" + messages.map { m in
            let parts = m.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            return "<p>\(t(parts[0], Array(parts.dropFirst())))</p>"
        }.joined() + "</div>"
    }

    /// A problem whose message takes arguments (`apply.problem.toomany`, the minutes to wait).
    public static func problem(_ key: String, _ arguments: String...) -> String { ([key] + arguments).joined(separator: "\u{1F}") }

    func select(_ name: String, _ label: String, _ schools: [School], selected: String?, none: Bool) -> String {
        var h = "<label for=\"\(name)\">\(label)</label><select id=\"\(name)\" name=\"\(name)\">"
        if none { h += "<option value=\"\">\(t("apply.none"))</option>" }
        for s in schools { h += "<option value=\"\(esc(s.id))\"\(s.id == selected ? " selected" : "")>\(esc(s.name))</option>" }
        return h + "</select>"
    }

    /// The application form: up to `choices` ranked schools, sibling and zone, and the
    /// priority group the round's reserves name (if any).
    public func applyForm(round: String, schools: [School], choices: Int, asksEconomic: Bool, csrf: String, problems messages: [String] = [],
                          chosen: [String] = [], open: Bool = true, invitation: String = "") -> String {
        var body = "<h1>\(t("apply.title", round))</h1>"
        guard open else { return page(t("apply.title", round), body + "<p>\(t("apply.closed"))</p>") }
        body += "<p>\(t("apply.intro"))</p>" + problems(messages)
        body += "<form method=\"post\" action=\"\(esc(path))\"><input type=\"hidden\" name=\"csrf\" value=\"\(esc(csrf))\">"
        body += "<label for=\"invitation\">\(t("apply.invitation"))</label><p class=\"note\" id=\"invitation-help\">\(t("apply.invitation.help"))</p>"
        body += "<input type=\"text\" id=\"invitation\" name=\"invitation\" autocomplete=\"off\" required aria-describedby=\"invitation-help\" value=\"\(esc(invitation))\">"
        body += "<fieldset><legend>\(t("apply.choices"))</legend>"
        for k in 0..<min(choices, schools.count) {
            body += select("choice\(k + 1)", t("apply.choice", "\(k + 1)"), schools, selected: k < chosen.count ? chosen[k] : nil, none: true)
        }
        body += "</fieldset><fieldset><legend>\(t("apply.priority"))</legend>"
        body += select("sibling", t("apply.sibling"), schools, selected: nil, none: true)
        body += select("zone", t("apply.zone"), schools, selected: nil, none: true)
        if asksEconomic {
            body += "<label><input type=\"checkbox\" name=\"economic\" value=\"disadvantaged\">\(t("apply.economic"))</label>"
        }
        body += "</fieldset><button type=\"submit\">\(t("apply.submit"))</button></form>"
        return page(t("apply.title", round), body)
    }

    /// The codes, shown once.
    public func submitted(round: String, reference: String, code: String, resultPath: String, replaced: Bool = false) -> String {
        page(t("apply.sent.title"), """
            <h1>\(t("apply.sent.title"))</h1>\(replaced ? "<p><b>\(t("apply.sent.replaced"))</b></p>" : "")<p>\(t("apply.sent.keep"))</p>
            <p class="codes">\(t("apply.reference")): \(esc(reference))<br>\(t("apply.code")): \(esc(code))</p>
            <p><a href="\(esc(resultPath))">\(t("result.submit"))</a></p>
            """)
    }

    public func resultForm(round: String, csrf: String, problems messages: [String] = []) -> String {
        page(t("result.title", round), """
            <h1>\(t("result.title", round))</h1><p>\(t("result.intro"))</p>\(problems(messages))
            <form method="post" action="\(esc(path))"><input type="hidden" name="csrf" value="\(esc(csrf))">
            <label for="reference">\(t("apply.reference"))</label><input type="text" id="reference" name="reference" autocomplete="off" required>
            <label for="code">\(t("apply.code"))</label><input type="text" id="code" name="code" autocomplete="off" required>
            <button type="submit">\(t("result.submit"))</button></form>
            """)
    }

    /// A family's result, as plain data.
    public struct Result: Sendable {
        public struct Higher: Sendable {
            public var school: String
            public var choice: Int
            public var filled: Bool
            public var belowCutoff: Bool
            public init(school: String, choice: Int, filled: Bool, belowCutoff: Bool) {
                self.school = school
                self.choice = choice
                self.filled = filled
                self.belowCutoff = belowCutoff
            }
        }
        public var assigned: (school: String, choice: Int, reserved: Bool)?
        public var higher: [Higher]
        public var seed: UInt64
        public var inputSha256: String
        public init(assigned: (school: String, choice: Int, reserved: Bool)?, higher: [Higher], seed: UInt64, inputSha256: String) {
            self.assigned = assigned
            self.higher = higher
            self.seed = seed
            self.inputSha256 = inputSha256
        }
    }

    public func result(round: String, _ r: Result?) -> String {
        var body = "<h1>\(t("result.title", round))</h1>"
        guard let r else { return page(t("result.title", round), body + "<p>\(t("result.pending"))</p>") }
        if let a = r.assigned {
            body += "<p><strong>\(t("result.assigned", a.school, "\(a.choice)"))</strong></p>"
            if a.reserved { body += "<p>\(t("result.reserved"))</p>" }
        } else {
            body += "<p><strong>\(t("result.unassigned"))</strong></p>"
        }
        if !r.higher.isEmpty {
            body += "<h2>\(t("result.higher"))</h2><ul>"
            for h in r.higher {
                let key = h.filled ? (h.belowCutoff ? "result.full" : "result.fullOther") : "result.open"
                body += "<li>\(t(key, "\(h.choice)", h.school))</li>"
            }
            body += "</ul>"
        }
        body += "<p class=\"note\">\(t("result.lottery", "\(r.seed)", String(r.inputSha256.prefix(16))))</p>"
        return page(t("result.title", round), body)
    }
}
