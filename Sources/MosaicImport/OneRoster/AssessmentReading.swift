import Foundation
import MosaicCore

extension Reading {
    /// Reads `mosaic_assessments.csv` from the roster itself.
    mutating func readAssessments() {
        let users = users
        assessments = Reading.assessments(
            "mosaic_assessments.csv", from: source, log: log,
            student: { id in Array(id.utf8).withUnsafeBufferPointer { users.student($0) }.map { Int($0) } })
    }

    /// Reads a `mosaic_assessments.csv` (`sourcedId, subject, score, proficient`): one row
    /// per student and subject. Every row is checked — `sourcedId` is a student of the
    /// roster, `subject` is not empty, `score` is a number, `proficient` is `true`, `false`
    /// or empty, and no student appears twice for one subject — and each problem is logged
    /// as `FILE:LINE`.
    static func assessments(_ file: String, from source: RosterSource, log: ProblemLog,
                            student: (String) -> Int?) -> [Roster.Assessment] {
        var rows: [Roster.Assessment] = []
        var firstLine: [String: [Int: Int]] = [:]   // subject → student → line
        RosterFile.read(file, from: source, required: ["sourcedId", "subject", "score"], log: log) { f, r in
            guard let id = f.field("sourcedId", r, log), let subject = f.field("subject", r, log),
                  let scoreText = f.field("score", r, log), let proficientText = f.field("proficient", r, log)
            else { return }
            var ok = true
            let s = student(id)
            if s == nil {
                log.add(f.name, r.line, id.isEmpty ? "sourcedId is empty" : "sourcedId '\(id)' is not a student of the roster")
                ok = false
            }
            let subjectName = subject.trimmingWhitespace()
            if subjectName.isEmpty {
                log.add(f.name, r.line, "subject is empty")
                ok = false
            }
            let score = Double(scoreText.trimmingWhitespace())
            if score == nil || !score!.isFinite {
                log.add(f.name, r.line, scoreText.isEmpty ? "score is empty" : "score '\(scoreText)' is not a number")
                ok = false
            }
            let proficient = RosterValue.bool(proficientText)
            if proficient == nil {
                log.add(f.name, r.line, "proficient '\(proficientText)' is not true, false or empty")
                ok = false
            }
            if let s, !subjectName.isEmpty {
                if let line = firstLine[subjectName]?[s] {
                    log.add(f.name, r.line, "student '\(id)' already has a \(subjectName) score on line \(line)")
                    ok = false
                } else {
                    firstLine[subjectName, default: [:]][s] = r.line
                }
            }
            guard ok, let s, let score, let proficient else { return }
            rows.append(.init(student: s, subject: subjectName, score: score, proficient: proficient))
        }
        return rows
    }
}

extension OneRosterReader {
    /// Reads an assessments file kept apart from the roster (`mosaic policy auto-enroll
    /// --assessments FILE`), checking each row against the roster's students.
    /// - Throws: `ImportError` with every problem found, named by `path`.
    public static func readAssessments(_ path: String, for roster: Roster) throws(ImportError) -> [Roster.Assessment] {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path, name = url.lastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw ImportError(path, 0, "no such file")
        }
        let source = try RosterSource(path: folder)
        let log = ProblemLog()
        var index: [String: Int] = [:]
        index.reserveCapacity(roster.students.count)
        for (i, s) in roster.students.enumerated() { index[s.id] = i }
        let rows = Reading.assessments(name, from: source, log: log, student: { index[$0] })
        guard log.isEmpty else {
            let e = log.error()
            throw ImportError(problems: e.problems.map { ImportProblem(file: $0.file == name ? path : $0.file, line: $0.line, message: $0.message) }, listAll: e.listAll)
        }
        return rows
    }
}
