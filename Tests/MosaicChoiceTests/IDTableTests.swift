import MosaicMetrics
@testable import MosaicChoice
import Testing

/// The id table answers as a dictionary of first positions does.
@Suite struct IDTableTests {
    @Test(arguments: [0, 1, 7, 700, 20_000])
    func positionsAreADictionarysFirstPositions(count: Int) {
        var rng = SeededGenerator(seed: UInt64(count) + 3)
        let alphabet = Array("abcXYZ019-_ éü😀")
        var ids: [String] = []
        for _ in 0..<count {
            // Lengths 0–40 cover the empty id, the tail-only path and several words.
            let length = Int(rng.next() % 41)
            ids.append(String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }))
            if rng.next() % 10 == 0, let earlier = ids.randomElement(using: &rng) { ids.append(earlier) }
        }
        var expected: [String: Int] = [:]
        for (k, id) in ids.enumerated() where expected[id] == nil { expected[id] = k }
        // Built small, so that it grows while ids arrive.
        var table = IDTable(capacity: 1)
        for (k, id) in ids.enumerated() { #expect(table.insert(id, at: k) == (expected[id] == k)) }
        #expect(table.count == expected.count)
        for (id, k) in expected { #expect(table[id] == k) }
        #expect(IDTable(ids).count == expected.count)
        for probe in ["not-an-id-\(count)", "abc 😀 not", "Z"] where expected[probe] == nil { #expect(table[probe] == nil) }
        // Looked up by their bytes, as the byte-level reader does.
        for (id, k) in expected {
            #expect(Array(id.utf8).withUnsafeBufferPointer { table.position(ofBytes: $0) } == k)
        }
        #expect(Array("not-an-id".utf8).withUnsafeBufferPointer { table.position(ofBytes: $0) } == expected["not-an-id"])
    }
}
