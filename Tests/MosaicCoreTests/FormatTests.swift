import MosaicCore
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
        #expect(Format.percent(0.1264, digits: 0) == "13%")
        #expect(Format.pValue(0.0004) == "<0.001")
        #expect(Format.fixed(.nan, 2) == "–")
        #expect(Format.fixed(1e300, 4) == "1e+300")
    }
}

@Suite struct CSVFieldTests {
    @Test func quotesOnlyWhatMustBeQuoted() {
        #expect(csvField("plain") == "plain")
        #expect(csvField("Adams, North") == "\"Adams, North\"")
        #expect(csvField("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(csvField("two\nlines") == "\"two\nlines\"")
    }
}

@Suite struct SpreadsheetFieldTests {
    /// Text a spreadsheet would run as a formula gets a leading quote; numbers and plain
    /// text are left alone; quoting per RFC 4180 still applies.
    @Test func formulasAreNeutralisedNumbersAreNot() {
        #expect(spreadsheetField("=HYPERLINK(\"http://x\",\"click\")") == "\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\"")
        #expect(spreadsheetField("+1+2") == "'+1+2")
        #expect(spreadsheetField("@SUM(A1)") == "'@SUM(A1)")
        #expect(spreadsheetField("-2+3") == "'-2+3")
        #expect(spreadsheetField("\tcmd") == "'\tcmd")
        #expect(spreadsheetField("-0.5") == "-0.5")
        #expect(spreadsheetField("+3") == "+3")
        #expect(spreadsheetField("Synthetic Elementary School 1") == "Synthetic Elementary School 1")
        #expect(spreadsheetField("a, b") == "\"a, b\"")
    }
}
