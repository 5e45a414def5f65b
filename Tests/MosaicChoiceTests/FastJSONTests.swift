import Foundation
import MosaicCore
import MosaicMetrics
@testable import MosaicChoice
import MosaicTestSupport
import Testing

/// The byte-level instance reader (issue 25) reads what JSONDecoder reads, and gives up
/// (nil, so JSONDecoder reports) on whatever it does not.
@Suite struct FastJSONTests {
    static func fast(_ text: String) -> Instance? { Data(text.utf8).withUnsafeBytes { Instance(fastJSON: $0) } }
    static func foundation(_ text: String) -> Instance? { try? JSONDecoder().decode(Instance.self, from: Data(text.utf8)) }

    @Test(arguments: [0.0, 0.3])
    func syntheticMarketsReadAsJSONDecoderReadsThem(reserveShare: Double) throws {
        var rng = SeededGenerator(seed: 11)
        var instance = Instance.synthetic(students: 3_000, programmes: 40, choices: 8, seats: 3_200, reserveShare: reserveShare, using: &rng)
        for i in instance.students.indices where i % 3 == 0 { instance.students[i].lottery = i * 7 }
        instance.explicitPriorities = [instance.schools[0].id: instance.students.map(\.id).reversed()]
        for format in [JSONEncoder.OutputFormatting.sortedKeys, [.prettyPrinted, .withoutEscapingSlashes]] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = format
            let text = String(decoding: try encoder.encode(instance), as: UTF8.self)
            let fast = try #require(Self.fast(text))
            #expect(fast == Self.foundation(text))
            #expect(fast == instance)
        }
    }

    @Test func escapesNullsUnknownKeysAndAByteOrderMark() throws {
        let text = "\u{FEFF}" + #"""
            {"name": "K\u00e9 \"2027\" \ud83d\ude00\n", "extra": {"a": [1, 2.5e3, true, false, null, {"b": "c"}]},
             "priorityClasses": null,
             "schools": [{"id": "S\/1", "capacity": 0, "reserves": null, "precedence": null, "location": {"x": 1, "y": -0.25e-1}, "note": "x"},
                         {"id": "Écola", "capacity": 3, "reserves": [{"name": "low", "group": {"economic": "disadvantaged"}, "seats": 1, "kind": "hard"}],
                          "precedence": "openFirst"}],
             "students": [{"id": "a\tb", "prefs": ["S/1", "Écola"], "lottery": -0, "sibling": null, "zones": [], "groups": {}, "location": null},
                          {"id": "z", "prefs": [], "groups": {"race": "black", "economic": "disadvantaged"}, "zones": ["Écola"], "sibling": "S/1", "lottery": 12}],
             "explicitPriorities": {"Écola": ["z", "a\tb"]}}
            """#
        let fast = try #require(Self.fast(text))
        #expect(fast == Self.foundation(text))
        #expect(fast.name == "Ké \"2027\" 😀\n" && fast.schools[0].id == "S/1" && fast.students[0].id == "a\tb")
    }

    /// Whatever the byte-level reader does not take goes to JSONDecoder (which reports it,
    /// or reads it): it never reads something else.
    @Test(arguments: [
        #"{"schools": [], "students": [{"id": "a", "prefs": [], "lottery": 3.5}]}"#,    // a fraction where a count belongs
        #"{"schools": [], "students": [{"id": "a", "prefs": [], "lottery": 1e2}]}"#,    // JSONDecoder reads this one
        #"{"schools": [], "students": [{"id": "a"}]}"#,                                 // prefs missing
        #"{"schools": [], "students": []} x"#,                                          // trailing bytes
        #"{"schools": [], "students": [{"id": "\ud83d", "prefs": []}]}"#,               // a lone surrogate
        #"{"schools": [{"id": "a", "capacity": 012}], "students": []}"#,                // a leading zero
        #"{"schools": [{"id": 7, "capacity": 1}], "students": []}"#,                    // a number where a string belongs
        #"{"schools": [], "students": [], }"#,                                          // a trailing comma
        "{\"schools\": [], \"students\": [{\"id\": \"a\nb\", \"prefs\": []}]}",          // a raw control character
        #"{"schools": [{"id": "a", "capacity": 1, "location": {"x": +1, "y": 0}}], "students": []}"#,   // numbers JSON does not write
        #"{"schools": [{"id": "a", "capacity": 1, "location": {"x": .5, "y": 0}}], "students": []}"#,
        #"{"schools": [{"id": "a", "capacity": 1, "location": {"x": 5., "y": 0}}], "students": []}"#,
        #"{"schools": [{"id": "a", "capacity": 1, "location": {"x": 01.5, "y": 0}}], "students": []}"#,
        #"{"schools": [{"id": "a", "capacity": 1, "location": {"x": 1e, "y": 0}}], "students": []}"#,
        #"{"schools": [], "students": [{"id": "a", "prefs": [], "groups": {"race": {"x": "y"}}}]}"#,   // groups nested
        #"{"schools": [], "students": [{"id": "a", "prefs": [], "groups": {"race": "x"}}, {"id": "b", "prefs": [], "groups": {"race": "x"}"#,
    ])
    func whatItDoesNotTakeGoesToJSONDecoder(_ text: String) {
        #expect(Self.fast(text) == nil)
    }

    /// Decimals read by the exact fast path and by the C library give the Double
    /// JSONDecoder gives, to the bit.
    @Test func numbersReadAsJSONDecoderReadsThem() throws {
        var rng = SeededGenerator(seed: 25)
        var texts = ["0", "-0", "0.1", "0.30000000000000004", "4.35", "123456789012345", "1234567890123456", "0.000000000000000000001",
                     "0.0000000000000000000001", "99999999999999999999", "1.7976931348623157e308", "5e-324", "-0.25e-1", "2.5E+3", "1E400"]
        for _ in 0..<2_000 {
            let v = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF) * (rng.next() % 2 == 0 ? 1 : -1)
            texts.append("\(v)")
            texts.append(String(Double(Int(rng.next() % 2_000_000) - 1_000_000) / 1_000))
        }
        for t in texts {
            let text = #"{"schools": [{"id": "a", "capacity": 1, "location": {"x": \#(t), "y": 0}}], "students": []}"#
            let fast = Self.fast(text)?.schools[0].location?.x, slow = Self.foundation(text)?.schools[0].location?.x
            #expect(fast?.bitPattern == slow?.bitPattern, "\(t)")
        }
    }

    /// Groups written alike are read once and shared; alike means the same bytes, so a
    /// string holding a brace or an escape is read as it is.
    @Test func groupsWrittenAlikeReadAlike() throws {
        let text = #"""
            {"schools": [], "students": [
              {"id": "a", "prefs": [], "groups": {"race": "black", "economic": "disadvantaged"}},
              {"id": "b", "prefs": [], "groups": {"race": "black", "economic": "disadvantaged"}},
              {"id": "c", "prefs": [], "groups": {"economic": "disadvantaged", "race": "black"}},
              {"id": "d", "prefs": [], "groups": {"race": "a}b", "note": "\"{"}},
              {"id": "e", "prefs": [], "groups": {"race": "a}b", "note": "\"{"}},
              {"id": "f", "prefs": [], "groups": {}}, {"id": "g", "prefs": [], "groups": null}]}
            """#
        let fast = try #require(Self.fast(text))
        #expect(fast == Self.foundation(text))
        #expect(fast.students[3].groups == ["race": "a}b", "note": "\"{"] && fast.students[5].groups == [:] && fast.students[6].groups == nil)
    }

    /// Prefs met after the schools are kept as positions in them (issue 25). The instance
    /// reads, checks and runs as the one JSONDecoder reads: ids with escapes, an unknown
    /// school (that student's prefs kept as ids), a school listed twice, students before
    /// schools, and schools changed after reading.
    @Test func prefsReadAsPositionsAreTheSchoolsNamed() throws {
        let text = #"""
            {"schools": [{"id": "S1", "capacity": 1}, {"id": "S\u00e92", "capacity": 1}, {"id": "S3", "capacity": 2}],
             "students": [{"id": "a", "prefs": ["S3", "S\u00e92", "S1"], "lottery": 3},
                          {"id": "b", "prefs": ["S1", "NOPE", "S3", "NOPE"], "lottery": 1},
                          {"id": "c", "prefs": ["S3", "S3"], "lottery": 2},
                          {"id": "d", "prefs": ["Sé2"], "lottery": 4}, {"id": "e", "prefs": []}]}
            """#
        let fast = try #require(Self.fast(text)), slow = try #require(Self.foundation(text))
        #expect(fast == slow)
        #expect(fast.students.map(\.prefs) == [["S3", "Sé2", "S1"], ["S1", "NOPE", "S3", "NOPE"], ["S3", "S3"], ["Sé2"], []])
        #expect(fast.students.map { if case .positions = $0.choices { true } else { false } } == [true, false, true, true, true])
        #expect(fast.problems() == slow.problems())
        #expect(fast.problems() == ["students[1] b: prefs name an unknown school “NOPE”", "students[1] b: prefs name an unknown school “NOPE”",
                                    "students[1] b: prefs list a school twice", "students[2] c: prefs list a school twice"])

        // Runnable: the same market, and the same after the schools change under the positions.
        var runnable = fast, runnableSlow = slow
        runnable.students[1].prefs = ["S1", "S3"]
        runnableSlow.students[1].prefs = ["S1", "S3"]
        runnable.students[2] = fast.students[0]
        runnable.students[2].id = "c"
        runnableSlow.students[2] = slow.students[0]
        runnableSlow.students[2].id = "c"
        for change in 0..<2 {
            if change == 1 { runnable.schools.reverse(); runnableSlow.schools.reverse() }
            #expect(runnable.problems().isEmpty && runnable == runnableSlow)
            var r1 = SeededGenerator(seed: 5), r2 = SeededGenerator(seed: 5)
            let m1 = runnable.market(tieBreaking: .single, using: &r1), m2 = runnableSlow.market(tieBreaking: .single, using: &r2)
            #expect(m1.prefs == m2.prefs && m1.deferredAcceptance() == m2.deferredAcceptance())
            #expect(m1.prefs[0].map { m1.schools[$0].id } == ["S3", "Sé2", "S1"])
        }

        // Students before schools: their prefs are read as ids.
        let studentsFirst = #"{"students": [{"id": "a", "prefs": ["S1"]}], "schools": [{"id": "S1", "capacity": 1}]}"#
        let first = try #require(Self.fast(studentsFirst))
        #expect(first == Self.foundation(studentsFirst) && first.problems().isEmpty)
        #expect({ if case .names = first.students[0].choices { true } else { false } }())
    }

    /// Each list read is its own size: the reader's scratch list handed back its buffer, so
    /// every later list (two zones as well as twelve choices) kept the largest capacity
    /// seen — 46 MB of the 84 MB heap of `mosaic match` at NYC size.
    @Test func listsReadAreTheirOwnSize() throws {
        let many = (1...12).map { "\"Z\($0)\"" }.joined(separator: ", ")
        let text = #"{"schools": [], "students": [{"id": "a", "prefs": [], "zones": [\#(many)]}, {"id": "b", "prefs": [], "zones": ["Z1"]}]}"#
        let fast = try #require(Self.fast(text))
        #expect(fast.students[1].zones == ["Z1"])
        #expect(try #require(fast.students[1].zones).capacity < 12)
    }

    @Test func aWellFormedMinimalInstanceReads() {
        let text = #"{"schools":[{"id":"A","capacity":1}],"students":[{"id":"s","prefs":["A"]}]}"#
        #expect(Self.fast(text) != nil && Self.fast(text) == Self.foundation(text))
    }
}

/// The match CSV is written as bytes: plain ids as they are, an id with a comma or quote
/// quoted as RFC 4180 says, an unassigned student with empty school and rank.
@Suite struct MatchCSVTests {
    @Test func fieldsAreQuotedOnlyWhereTheyMustBe() throws {
        let instance = Instance(schools: [.init(id: "A, the first", capacity: 1), .init(id: "B", capacity: 1)],
                                students: [.init(id: "s\"1", prefs: ["A, the first"], lottery: 1), .init(id: "s2", prefs: ["A, the first", "B"], lottery: 2),
                                           .init(id: "s3", prefs: ["A, the first"], lottery: 3)])
        var rng = SeededGenerator(seed: 1)
        let market = instance.market(tieBreaking: .single, using: &rng)
        let report = MatchReport(instance: instance, market: market, assignment: market.deferredAcceptance())
        #expect(report.csv == "student_id,school_id,rank,seat_type\n\"s\"\"1\",\"A, the first\",1,open\ns2,B,2,open\ns3,,,\n")
    }
}
