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

    /// Who the child is, as the family gives it on the form.
    public struct Child: Sendable, Codable, Equatable {
        public var name: String
        /// YYYY-MM-DD.
        public var birthDate: String
        /// A grade code (`KG`, `01`…).
        public var grade: String
        public init(name: String, birthDate: String, grade: String) {
            self.name = name
            self.birthDate = birthDate
            self.grade = grade
        }
    }

    /// The grades a family may choose, with how each language names them.
    public static let grades: [String] = ["PK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"]

    func gradeName(_ code: String) -> String {
        switch code {
        case "PK": t.language == .es ? "Prekínder" : "Pre-kindergarten"
        case "KG": t.language == .es ? "Kínder" : "Kindergarten"
        default: (t.language == .es ? "Grado " : "Grade ") + String(Int(code) ?? 0)
        }
    }

    /// The application form: who the child is, up to `choices` ranked schools, sibling and
    /// zone, and the priority group the round's reserves name (if any).
    public func applyForm(round: String, schools: [School], choices: Int, asksEconomic: Bool, csrf: String, problems messages: [String] = [],
                          chosen: [String] = [], open: Bool = true, invitation: String = "", child: Child? = nil) -> HTML {
        var body: HTML = "<h1>\(t("apply.title", round))</h1>"
        guard open else { return page(t("apply.title", round), body + "<p>\(t("apply.closed"))</p>") }
        body += "<p>\(t("apply.intro"))</p>" + problems(messages)
        body += "<form method=\"post\" action=\"\(path)\"><input type=\"hidden\" name=\"csrf\" value=\"\(csrf)\">"
        body += "<label for=\"invitation\">\(t("apply.invitation"))</label><p class=\"note\" id=\"invitation-help\">\(t("apply.invitation.help"))</p>"
        body += "<input type=\"text\" id=\"invitation\" name=\"invitation\" autocomplete=\"off\" required aria-describedby=\"invitation-help\" value=\"\(invitation)\">"
        body += "<fieldset><legend>\(t("apply.child"))</legend>"
        body += "<label for=\"child\">\(t("apply.child.name"))</label><input type=\"text\" id=\"child\" name=\"child\" autocomplete=\"off\" required maxlength=\"120\" value=\"\(child?.name ?? "")\">"
        body += "<label for=\"birth\">\(t("apply.child.birth"))</label><input type=\"date\" id=\"birth\" name=\"birth\" required value=\"\(child?.birthDate ?? "")\">"
        body += "<label for=\"grade\">\(t("apply.child.grade"))</label><select id=\"grade\" name=\"grade\">"
        for g in Self.grades { body += "<option value=\"\(g)\"\((g == (child?.grade ?? "KG") ? " selected" : "") as HTML)>\(gradeName(g))</option>" }
        body += "</select></fieldset>"
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

    /// What a family sent: the child, the schools in order, sibling and zone (names).
    public struct Submission: Sendable {
        public var child: Child?
        public var choices: [String]
        public var sibling: String?
        public var zone: String?
        public init(child: Child?, choices: [String], sibling: String?, zone: String?) {
            self.child = child
            self.choices = choices
            self.sibling = sibling
            self.zone = zone
        }
    }

    func summary(_ s: Submission) -> HTML {
        var h: HTML = "<p>\(t("apply.sent.choices", s.child?.name ?? ""))</p>"
        if let c = s.child { h += "<p class=\"note\">\(gradeName(c.grade)) · \(t("apply.child.birth")): \(c.birthDate)</p>" }
        h += "<ol>" + s.choices.map { "<li>\($0)</li>" as HTML }.joined() + "</ol>"
        if let sibling = s.sibling { h += "<p class=\"note\">\(t("apply.sent.sibling", sibling))</p>" }
        if let zone = s.zone { h += "<p class=\"note\">\(t("apply.sent.zone", zone))</p>" }
        return h
    }

    /// The codes, shown once, and what was sent.
    public func submitted(round: String, reference: String, code: String, resultPath: String, replaced: Bool = false, sent: Submission? = nil) -> HTML {
        page(t("apply.sent.title"), """
            <h1>\(t("apply.sent.title"))</h1>\(replaced ? "<p><b>\(t("apply.sent.replaced"))</b></p>" : "")<p>\(t("apply.sent.keep"))</p>
            <p class="codes">\(t("apply.reference")): \(reference)<br>\(t("apply.code")): \(code)</p>
            \(sent.map(summary) ?? "")<p>\(t("apply.sent.again"))</p>
            <p><a href="\(resultPath)">\(t("result.submit"))</a></p>
            """)
    }

    public func resultForm(round: String, csrf: String, problems messages: [String] = []) -> HTML {
        page(t("result.title", round), """
            <h1>\(t("result.title", round))</h1><p>\(t("result.intro"))</p>\(problems(messages))
            <form method="post" action="\(path)"><input type="hidden" name="csrf" value="\(csrf)">
            <label for="reference">\(t("apply.reference"))</label><input type="text" id="reference" name="reference" autocomplete="off" required>
            <label for="code">\(t("apply.code"))</label><input type="text" id="code" name="code" autocomplete="off" required>
            <button type="submit">\(t("result.submit"))</button></form><p class="note">\(t("result.lost"))</p>
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
        /// `reserved`: on a seat the school holds for a group; `inGroup`: whether the
        /// child is of that group (a soft reserve's seat goes to others when too few apply).
        public var assigned: (school: String, choice: Int, reserved: Bool, inGroup: Bool)?
        public var higher: [Higher]
        public init(assigned: (school: String, choice: Int, reserved: Bool, inGroup: Bool)?, higher: [Higher]) {
            self.assigned = assigned
            self.higher = higher
        }
    }

    /// The result, or (not yet published) the application held: `held`.
    public func result(round: String, _ r: Result?, held: Submission? = nil) -> HTML {
        var body: HTML = "<h1>\(t("result.title", round))</h1>"
        guard let r else { return page(t("result.title", round), body + "<p>\(t("result.pending"))</p>" + (held.map(summary) ?? "")) }
        if let a = r.assigned {
            body += "<p><strong>\(t("result.assigned", a.school, "\(a.choice)"))</strong></p>"
            if a.reserved { body += "<p>\(t(a.inGroup ? "result.reserved" : "result.reservedOther"))</p>" }
        } else {
            body += "<p><strong>\(t("result.unassigned"))</strong></p>"
        }
        body += "<h2>\(t("result.next"))</h2><ul>"
        if r.assigned != nil { body += "<li>\(t("result.next.accept"))</li>" } else { body += "<li>\(t("result.next.none"))</li>" }
        if !r.higher.isEmpty { body += "<li>\(t("result.next.waitlist"))</li>" }
        body += "</ul>"
        if !r.higher.isEmpty {
            body += "<h2>\(t("result.higher"))</h2><ul>"
            for h in r.higher {
                let key = h.filled ? (h.belowCutoff ? "result.full" : "result.fullOther") : "result.open"
                body += "<li>\(t(key, "\(h.choice)", h.school))</li>"
            }
            body += "</ul>"
        }
        body += "<p class=\"note\">\(t("result.lottery"))</p>"
        return page(t("result.title", round), body)
    }
}
