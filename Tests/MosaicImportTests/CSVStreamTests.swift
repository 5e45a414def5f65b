import MosaicImport
import MosaicMetrics
import Testing

/// The streaming reader must give the same records however the bytes are cut.
@Suite struct CSVStreamTests {
    func records(_ bytes: [UInt8], chunks: [Int]) throws -> [[String]] {
        var out: [[String]] = []
        var stream = CSVStream()
        let collect: (CSVStream.Record) -> Void = { r in
            out.append((0..<r.count).map { r.string($0) ?? "<bad>" } + ["@\(r.line)"])
        }
        var p = 0
        for size in chunks where p < bytes.count {
            let end = min(bytes.count, p + size)
            try bytes[p..<end].withUnsafeBytes { try stream.feed($0, collect) }
            p = end
        }
        if p < bytes.count { try bytes[p...].withUnsafeBytes { try stream.feed($0, collect) } }
        try stream.finish(collect)
        return out
    }

    @Test(arguments: Array(UInt64(0)..<200))
    func anyChunkingGivesTheSameRecords(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let pieces = ["a", "bc", "", "\"x,y\"", "\"say \"\"hi\"\"\"", "\"two\nlines\"", "é", "\"\"", "12"]
        var text = rng.below(2) == 0 ? "\u{FEFF}" : ""
        for _ in 0..<(1 + rng.below(12)) {
            text += (0..<(1 + rng.below(4))).map { _ in pieces[rng.below(pieces.count)] }.joined(separator: ",")
            text += ["\n", "\r\n", "\n\n"][rng.below(3)]
        }
        if rng.below(2) == 0 { text += "last,row" }
        let bytes = Array(text.utf8)
        let whole = try records(bytes, chunks: [bytes.count])
        let cuts = (0..<50).map { _ in 1 + rng.below(7) }
        #expect(try records(bytes, chunks: cuts) == whole, "\(text.debugDescription)")
        #expect(try records(bytes, chunks: Array(repeating: 1, count: bytes.count)) == whole)
    }

    @Test func reportsTheLineOfEachRecordAcrossChunks() throws {
        let bytes = Array("h1,h2\n1,\"a\nb\"\n\n2,c\r\n3,d".utf8)
        let r = try records(bytes, chunks: Array(repeating: 2, count: 20))
        #expect(r == [["h1", "h2", "@1"], ["1", "a\nb", "@2"], ["2", "c", "@5"], ["3", "d", "@6"]])
    }

    @Test func refusesBadUTF8FieldByField() throws {
        var stream = CSVStream()
        var seen: [String?] = []
        let bytes: [UInt8] = Array("a,".utf8) + [0xFF, 0xFE] + Array("\n".utf8)
        try bytes.withUnsafeBytes { try stream.feed($0) { r in seen = [r.string(0), r.string(1)] } }
        #expect(seen == ["a", nil])
    }
}
