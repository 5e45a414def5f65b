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
    public func callAsFunction(_ key: String, _ arguments: String...) -> HTML { self(key, arguments) }

    public func callAsFunction(_ key: String, _ arguments: [String]) -> HTML {
        var text = Substring(strings[key] ?? key)
        var out = HTML.empty
        for a in arguments {
            guard let r = text.range(of: "%@") else { break }
            out += "\(text[..<r.lowerBound])\(a)"
            text = text[r.upperBound...]
        }
        return out + HTML(text: text)
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

    func page(_ title: HTML, _ body: HTML) -> HTML {
        let other: Language = t.language == .en ? .es : .en
        let switcher: HTML = "<a href=\"\(path)?lang=\(other.rawValue)\" lang=\"\(other.rawValue)\" hreflang=\"\(other.rawValue)\">\(Translations[other]("lang.name"))</a>"
        return Layout.page(title: title, language: t.language.rawValue, style: .family, body: "<nav><a href=\"/\">Mosaic</a>\(switcher)</nav><main id=\"main\">\(body)</main>")
    }

    /// Each message a translation key, or a key and its arguments made by ``problem(_:_:)``.
    func problems(_ messages: [String]) -> HTML {
        messages.isEmpty ? "" : "<div class=\"problem\" role=\"alert\">" + messages.map { m in
            let parts = m.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
            return "<p>\(t(parts[0], Array(parts.dropFirst())))</p>"
        }.joined() + "</div>"
    }

    /// A problem whose message takes arguments (`apply.problem.toomany`, the minutes to wait).
    public static func problem(_ key: String, _ arguments: String...) -> String { ([key] + arguments).joined(separator: "\u{1F}") }

    func select(_ name: String, _ label: HTML, _ schools: [School], selected: String?, none: Bool) -> HTML {
        var h: HTML = "<label for=\"\(name)\">\(label)</label><select id=\"\(name)\" name=\"\(name)\">"
        if none { h += "<option value=\"\">\(t("apply.none"))</option>" }
        for s in schools { h += "<option value=\"\(s.id)\"\(s.id == selected ? " selected" : "")>\(s.name)</option>" }
        return h + "</select>"
    }

    /// The application form: up to `choices` ranked schools, sibling and zone, and the
    /// priority group the round's reserves name (if any).
    public func applyForm(round: String, schools: [School], choices: Int, asksEconomic: Bool, csrf: String, problems messages: [String] = [],
                          chosen: [String] = [], open: Bool = true, invitation: String = "") -> HTML {
        var body: HTML = "<h1>\(t("apply.title", round))</h1>"
        guard open else { return page(t("apply.title", round), body + "<p>\(t("apply.closed"))</p>") }
        body += "<p>\(t("apply.intro"))</p>" + problems(messages)
        body += "<form method=\"post\" action=\"\(path)\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">"
        body += "<label for=\"invitation\">\(t("apply.invitation"))</label><p class=\"note\" id=\"invitation-help\">\(t("apply.invitation.help"))</p>"
        body += "<input type=\"text\" id=\"invitation\" name=\"invitation\" autocomplete=\"off\" required aria-describedby=\"invitation-help\" value=\"\(invitation)\">"
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
    public func submitted(round: String, reference: String, code: String, resultPath: String, replaced: Bool = false) -> HTML {
        page(t("apply.sent.title"), """
            <h1>\(t("apply.sent.title"))</h1>\(replaced ? "<p><b>\(t("apply.sent.replaced"))</b></p>" : "")<p>\(t("apply.sent.keep"))</p>
            <p class="codes">\(t("apply.reference")): \(reference)<br>\(t("apply.code")): \(code)</p>
            <p><a href="\(resultPath)">\(t("result.submit"))</a></p>
            """)
    }

    public func resultForm(round: String, csrf: String, problems messages: [String] = []) -> HTML {
        page(t("result.title", round), """
            <h1>\(t("result.title", round))</h1><p>\(t("result.intro"))</p>\(problems(messages))
            <form method="post" action="\(path)"><input type="hidden" name="csrf" value="\(csrf)">
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

    public func result(round: String, _ r: Result?) -> HTML {
        var body: HTML = "<h1>\(t("result.title", round))</h1>"
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
