import MosaicCore
import MosaicReport
import Testing

@Suite struct TextTableTests {
    @Test func tablesAlignTextLeftAndNumbersRight() {
        var t = TextTable(["group", "share"])
        t.append(["asian", "17.9%"])
        t.append(["multiracialOrOther", "2.5%"])
        #expect(t.rendered() == """
              group               share
              ──────────────────  ─────
              asian               17.9%
              multiracialOrOther   2.5%

            """)
    }
}

@Suite struct JSONValueTests {
    @Test func keepsKeyOrderAndEscapesStrings() {
        let v: JSONValue = .object([("z", .int(1)), ("a", .string("say \"hi\"\n\u{1}")), ("list", .array([.bool(true), .null]))])
        #expect(v.serialized() == #"{"z":1,"a":"say \"hi\"\n\u0001","list":[true,null]}"#)
    }

    @Test func writesDoublesSoTheyReadBack() {
        #expect(JSONValue.number(0.1).serialized() == "0.1")
        #expect(JSONValue.number(1).serialized() == "1.0")
        #expect(JSONValue.number(-0.25).serialized() == "-0.25")
        #expect(JSONValue.number(1e-7).serialized() == "1e-07")
        #expect(Double(JSONValue.number(0.29693134348264866).serialized()) == 0.29693134348264866)
        #expect(JSONValue.number(.infinity).serialized() == "null")
        #expect(JSONValue.unsigned(UInt64.max).serialized() == "18446744073709551615")
    }
}

@Suite struct TranslationTests {
    /// Every language has every key the English file has, and no other.
    @Test func everyLanguageHasEveryString() {
        for language in Language.allCases { #expect(Translations[language].keys == Translations[.en].keys, "\(language)") }
        #expect(Translations[.es]("result.assigned", "P.S. 9", "2") == "A su hijo o hija se le ofrece una plaza en P.S. 9 (su opción 2).")
        #expect(Translations[.en]("apply.title", "<b>") == "Apply: &lt;b&gt;")
    }

    @Test func theLanguageIsTheQueryThenTheCookieThenTheBrowser() {
        #expect(Language.chosen(query: "es", cookie: "en", acceptLanguage: "en") == .es)
        #expect(Language.chosen(query: nil, cookie: "es", acceptLanguage: "en") == .es)
        #expect(Language.chosen(query: "xx", cookie: nil, acceptLanguage: "fr-FR, es;q=0.8") == .es)
        #expect(Language.chosen(query: nil, cookie: nil, acceptLanguage: nil) == .en)
    }
}
