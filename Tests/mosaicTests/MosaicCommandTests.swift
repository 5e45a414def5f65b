import Foundation
import MosaicTestSupport
import Testing

/// Runs the built `mosaic` binary as a user would and checks what it prints.
struct Run {
    let status: Int32
    let stdout: String
    let stderr: String

    /// Runs `mosaic` with `arguments`, from the repository (or from `directory`).
    init(_ arguments: [String], input: String? = nil, directory: URL? = nil) throws {
        let process = Process()
        process.executableURL = TestSupport.productsDirectory.appendingPathComponent("mosaic")
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? TestSupport.repositoryRoot
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
        stdout = String(decoding: o, as: UTF8.self)
        stderr = String(decoding: e, as: UTF8.self)
    }
}

func fixturePath(_ name: String) -> String {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

@Suite struct SegregationCommandTests {
    let classrooms = fixturePath("classrooms.csv")

    @Test func jsonAnswersEveryKeyOfTheContract() throws {
        let run = try Run(["segregation", classrooms, "--unit", "classroom", "--within", "school",
                           "--reference", fixturePath("state.csv"), "--baseline", "200", "--bootstrap", "50",
                           "--seed", "7", "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        let ours = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
        let contract = try ContractExample.segregation()
        let mismatches = ContractExample.compare(ours, contract, path: "")
        #expect(mismatches.isEmpty, "\(mismatches)")
        // One JSON object on one line, nothing else on stdout.
        #expect(run.stdout.filter { $0 == "\n" }.count == 1)
    }

    @Test func jsonValuesAreTheComputedOnes() throws {
        let run = try Run(["segregation", classrooms, "--unit", "classroom", "--within", "school", "--format", "json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(doc["students"] as? Int == 189)
        #expect(doc["unitCount"] as? Int == 8)
        #expect(doc["groups"] as? [String] == ["lowIncome", "notLowIncome"])
        let within = try #require(doc["within"] as? [String: Any])
        let m = { (key: String) in within[key] as! Double }
        #expect(abs(m("M_between") + m("M_within") - m("M_total")) < 1e-12)
        let outer = try #require((doc["within"] as? [String: Any])?["outer"] as? [[String: Any]])
        #expect(outer.map { $0["id"] as! String } == ["Adams", "Baker", "Clark"])
        #expect(outer.map { $0["students"] as! Int } == [69, 74, 46])
        // Without --baseline or --bootstrap those blocks are absent.
        #expect(doc["baseline"] == nil && doc["bootstrap"] == nil)
    }

    @Test func theSameSeedGivesByteIdenticalOutputOnAnyNumberOfThreads() throws {
        let args = ["segregation", classrooms, "--unit", "classroom", "--within", "school",
                    "--baseline", "300", "--bootstrap", "100", "--seed", "42", "--format", "json"]
        let a = try Run(args + ["--threads", "1"]), b = try Run(args + ["--threads", "2"]), c = try Run(args)
        #expect(a.status == 0)
        #expect(a.stdout == b.stdout)
        #expect(a.stdout == c.stdout)
        let other = try Run(Array(args.dropLast(3)) + ["--seed", "43", "--format", "json"])
        #expect(other.stdout != a.stdout)
    }

    @Test func theTableMatchesItsSnapshot() throws {
        let run = try Run(["segregation", "Tests/mosaicTests/Fixtures/classrooms.csv", "--unit", "classroom",
                           "--within", "school", "--baseline", "200", "--bootstrap", "50", "--seed", "1",
                           "--units", "0", "--threads", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        try Snapshot.assert(run.stdout, named: "classrooms-table.txt")
    }

    @Test func badCountsAreListedWithTheirLinesAndNothingIsPrinted() throws {
        let bad = fixturePath("bad-counts.csv")
        let run = try Run(["segregation", bad, "--unit", "classroom", "--groups", "lowIncome,notLowIncome", "--format", "json"])
        #expect(run.status != 0)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == """
            \(bad):3: column "lowIncome": "-5" is negative; counts are numbers of students
            \(bad):4: unit "A-101" appears again (first on line 2); each unit must have one row
            \(bad):5: unit "B-201" has no students in any group; remove the row or check its counts
            \(bad):6: column "lowIncome": "2.5" is not a whole number of students

            """)
    }

    @Test func aMissingColumnOrFileIsAClearError() throws {
        let run = try Run(["segregation", classrooms, "--unit", "room"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("\(classrooms):1: no unit column \"room\"; the columns are \"classroom\", \"school\""))
        let missing = try Run(["segregation", "/nonexistent.csv", "--unit", "id"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("/nonexistent.csv: cannot be read: no such file"))
        let options = try Run(["segregation", classrooms, "--unit", "classroom", "--bootstrap", "1"])
        #expect(options.status != 0)
        #expect(options.stderr.contains("--bootstrap needs at least 2 resamples"))
    }

    @Test func absurdCountsAreRefusedWithoutACrash() throws {
        try withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("huge.csv").path
            try "id,x,y\na,9223372036854775807,9223372036854775807\nb,99999999999999999999,1\n".write(toFile: file, atomically: true, encoding: .utf8)
            let run = try Run(["segregation", file, "--unit", "id", "--groups", "x,y", "--baseline", "10"])
            #expect(run.status == 1)
            #expect(run.stdout.isEmpty)
            #expect(run.stderr == "\(file):3: column \"x\": \"99999999999999999999\" is too large\n")
            try "id,x,y\na,9223372036854775807,9223372036854775807\n".write(toFile: file, atomically: true, encoding: .utf8)
            let overflow = try Run(["segregation", file, "--unit", "id"])
            #expect(overflow.status == 1)
            #expect(overflow.stderr.contains("the counts add up to more than 2147483647 students by unit \"a\""))
        }
    }

    @Test func aTableWithOneGroupOfStudentsSaysSo() throws {
        try withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("one.csv").path
            try "id,x,y\na,3,0\nb,4,0\n".write(toFile: file, atomically: true, encoding: .utf8)
            let run = try Run(["segregation", file, "--unit", "id"])
            #expect(run.status != 0)
            #expect(run.stderr == "\(file): only x has students; segregation needs at least two groups with students\n")
        }
    }
}

@Suite struct NYCCountsCommandTests {
    @Test func writesTheCommunityDistrictSchoolsOfAYear() throws {
        try withTemporaryDirectory { dir in
            let out = dir.appendingPathComponent("race.csv").path
            let run = try Run(["nyc-counts", "--year", "2017-18", "--dimension", "race", "--out", out])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("wrote 1552 schools (2017-18, race)"))
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(text.hasPrefix("dbn,district,borough,name,asian,black,hispanic,multiracialOrOther,white\n01M015,01,Manhattan,"))
            let seg = try Run(["segregation", out, "--unit", "dbn", "--within", "district", "--format", "json"])
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(seg.stdout.utf8)) as? [String: Any])
            #expect(doc["students"] as? Int == 946_582)
            // PySAL MultiDissim on the same counts: 0.5124835131819333.
            #expect(abs(((doc["indices"] as! [String: Any])["D"] as! Double) - 0.5124835131819333) < 1e-12)
        }
    }

    @Test func anUnknownYearNamesTheYearsThereAre() throws {
        let run = try Run(["nyc-counts", "--year", "2019-20"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("no rows for 2019-20; the file has 2013-14, 2014-15, 2015-16, 2016-17, 2017-18"))
    }
}
