import MosaicReport
import Testing

@Suite struct FormatTests {
    @Test(arguments: [
        (0.45123, 3, "0.451"), (0.4515, 2, "0.45"), (-0.0004, 3, "0.000"), (-0.1234, 2, "-0.12"),
        (12.0, 0, "12"), (0.000049, 4, "0.0000"), (1.99995, 4, "2.0000"), (0.05, 1, "0.1"),
    ])
    func fixedDecimals(value: Double, digits: Int, text: String) {
        #expect(Format.fixed(value, digits) == text)
    }

    @Test func countsAndPercentages() {
        #expect(Format.count(946_582) == "946,582")
        #expect(Format.count(999) == "999")
        #expect(Format.count(-1000) == "-1,000")
        #expect(Format.percent(0.1234) == "12.3%")
        #expect(Format.pValue(0.0004) == "<0.001")
        #expect(Format.fixed(.nan, 2) == "–")
        #expect(Format.fixed(1e300, 4) == "1e+300")
    }

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
