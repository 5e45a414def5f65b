import MosaicCore
import MosaicImport
import MosaicTestSupport
import Testing

@Suite struct CSVTableTests {
    @Test func readsQuotedFieldsWithCommasQuotesAndLineBreaks() throws {
        let t = try CSVTable(name: "t.csv", text: "id,name,n\n1,\"Smith, J\",3\n2,\"say \"\"hi\"\"\",4\n3,\"two\nlines\",5\n4,plain,6\n")
        #expect(t.header == ["id", "name", "n"])
        #expect(t.rows.map { $0.fields[1] } == ["Smith, J", "say \"hi\"", "two\nlines", "plain"])
        // A record keeps the line it starts on; the one after a two-line field starts on line 6.
        #expect(t.rows.map(\.line) == [2, 3, 4, 6])
    }

    @Test func acceptsAByteOrderMarkCRLFAndBlankLines() throws {
        let t = try CSVTable(name: "t.csv", text: "\u{FEFF}a,b\r\n1,2\r\n\r\n3,4")
        #expect(t.header == ["a", "b"])
        #expect(t.rows.map(\.fields) == [["1", "2"], ["3", "4"]])
        #expect(t.rows.map(\.line) == [2, 4])
    }

    @Test func anUnclosedQuoteNamesTheLineItStartsOn() {
        #expect(throws: ImportError("t.csv", 3, "a quoted field is not closed before the end of the file")) {
            try CSVTable(name: "t.csv", text: "a,b\n1,2\n3,\"four\n5,6\n")
        }
    }

    @Test func aRowWithTheWrongNumberOfFieldsIsReportedWithEveryOther() {
        do {
            _ = try CSVTable(name: "t.csv", text: "a,b,c\n1,2\n1,2,3\n1,2,3,4\n")
            Issue.record("expected an error")
        } catch {
            #expect(error.problems.map(\.description) == [
                "t.csv:2: 2 fields, but the header has 3",
                "t.csv:4: 4 fields, but the header has 3",
            ])
        }
    }

    @Test func strayQuotesAndDuplicateHeadersAreRefused() {
        #expect(throws: ImportError.self) { try CSVTable(name: "t.csv", text: "a,b\n1,x\"y\n") }
        #expect(throws: ImportError.self) { try CSVTable(name: "t.csv", text: "a,b\n\"1\"x,2\n") }
        #expect(throws: ImportError("t.csv", 1, "column \"a\" appears twice (columns 1 and 3)")) {
            try CSVTable(name: "t.csv", text: "a,b,a\n1,2,3\n")
        }
        #expect(throws: ImportError("t.csv", 1, "the file is empty; expected a header row")) {
            try CSVTable(name: "t.csv", text: "")
        }
    }

    @Test func aMissingFileIsAnError() {
        #expect(throws: ImportError.self) { try CSVTable(contentsOf: "/nonexistent/counts.csv") }
    }
}

/// The guidebook shipped with Mosaic is the shared one, action for action.
@Suite struct BundledGuidebookTests {
    @Test func theBundledGuidebookIsTheSharedOne() throws {
        let shared = try Guidebook(contentsOf: TestSupport.shared.appendingPathComponent("data/actions.json").path)
        let bundled = try Guidebook.bundled()
        #expect(bundled.actions.map(\.id) == shared.actions.map(\.id) && !bundled.actions.isEmpty)
        #expect(bundled.rootCauses.map(\.id) == shared.rootCauses.map(\.id))
        #expect(bundled.actions.map(\.summary) == shared.actions.map(\.summary))
    }
}
