import MosaicCore

/// One student's application in a school-choice applications file (issue 5).
public struct ApplicationRow: Sendable, Equatable {
    public var applicant: String
    /// School ids, most preferred first.
    public var prefs: [String]
    public var sibling: String?
    public var zones: [String]
    /// A given lottery number (else the match draws one from its seed).
    public var lottery: Int?
    /// Dimension → group, from every other column (an empty cell: no group).
    public var groups: [String: String]
    /// The line the row is on.
    public var line: Int

    public init(applicant: String, prefs: [String], sibling: String? = nil, zones: [String] = [], lottery: Int? = nil,
                groups: [String: String] = [:], line: Int = 0) {
        self.applicant = applicant
        self.prefs = prefs
        self.sibling = sibling
        self.zones = zones
        self.lottery = lottery
        self.groups = groups
        self.line = line
    }
}

/// Reads an applications file: a header with `student_id` and `prefs` (school ids in
/// order, separated by `;`), optionally `sibling`, `zones` (`;`-separated) and `lottery`;
/// every other column is a group dimension (`economic`, `race`, …) whose cell is the
/// student's group. Every problem is reported as `file:line: what` and nothing is
/// returned when there is any.
/// - Parameter schools: the round's school ids; every school named must be one of them.
public func readApplications(name: String, text: String, schools: Set<String>) throws(ImportError) -> [ApplicationRow] {
    let table = try CSVTable(name: name, text: text)
    var problems: [ImportProblem] = []
    for required in ["student_id", "prefs"] where table.column(required) == nil {
        problems.append(.init(file: name, line: 1, message: "no \"\(required)\" column (the header has \(table.header.joined(separator: ", ")))"))
    }
    if !problems.isEmpty { throw ImportError(problems: problems) }
    let id = table.column("student_id")!, prefsColumn = table.column("prefs")!
    let sibling = table.column("sibling"), zones = table.column("zones"), lottery = table.column("lottery")
    let known: Set<Int> = Set([id, prefsColumn] + [sibling, zones, lottery].compactMap { $0 })
    let groupColumns = table.header.indices.filter { !known.contains($0) && !table.header[$0].isEmpty }
    func list(_ cell: String) -> [String] {
        cell.split(separator: ";").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }
    var firstLine: [String: Int] = [:]
    var rows: [ApplicationRow] = []
    for r in table.rows {
        func problem(_ message: String) { problems.append(.init(file: name, line: r.line, message: message)) }
        let applicant = r.fields[id].trimmingWhitespace()
        if applicant.isEmpty { problem("student_id is empty") }
        if let first = firstLine[applicant], !applicant.isEmpty { problem("student \(applicant) applies twice (first on line \(first))") }
        firstLine[applicant] = firstLine[applicant] ?? r.line
        let prefs = list(r.fields[prefsColumn])
        if prefs.isEmpty { problem(applicant.isEmpty ? "ranks no school" : "student \(applicant) ranks no school") }
        for p in prefs where !schools.contains(p) { problem("prefs name \"\(p)\", which is not a school in this round") }
        if Set(prefs).count != prefs.count { problem("prefs list a school twice") }
        let siblingSchool = sibling.map { r.fields[$0].trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
        if let s = siblingSchool, !schools.contains(s) { problem("sibling names \"\(s)\", which is not a school in this round") }
        let zoneSchools = zones.map { list(r.fields[$0]) } ?? []
        for z in zoneSchools where !schools.contains(z) { problem("zones name \"\(z)\", which is not a school in this round") }
        var number: Int?
        if let lottery, case let cell = r.fields[lottery].trimmingWhitespace(), !cell.isEmpty {
            if let n = Int(cell), n >= 0, n <= Int(UInt32.max) { number = n } else { problem("lottery \"\(cell)\" is not a whole number from 0 to \(UInt32.max)") }
        }
        var groups: [String: String] = [:]
        for c in groupColumns {
            let cell = r.fields[c].trimmingWhitespace()
            if !cell.isEmpty { groups[table.header[c]] = cell }
        }
        rows.append(ApplicationRow(applicant: applicant, prefs: prefs, sibling: siblingSchool, zones: zoneSchools, lottery: number,
                                   groups: groups, line: r.line))
    }
    if rows.isEmpty && problems.isEmpty { problems.append(.init(file: name, line: 1, message: "no applications after the header")) }
    if !problems.isEmpty { throw ImportError(problems: problems) }
    return rows
}

/// One child the enrollment office invites to apply, with the groups its records verify.
public struct InvitationRow: Sendable, Equatable {
    public var student: String
    /// Dimension → group the office has verified (`economic: disadvantaged`); an empty
    /// cell: nothing verified for that dimension.
    public var groups: [String: String]
    public var line: Int

    public init(student: String, groups: [String: String] = [:], line: Int = 0) {
        self.student = student
        self.groups = groups
        self.line = line
    }
}

/// Reads the children to invite to a round: a header with `student_id`; every other
/// column is a dimension whose cell is the group the office's records verify (used in
/// place of what the family declares). Each child once; every problem reported as
/// `file:line: what`, and nothing returned when there is any.
public func readInvitations(name: String, text: String) throws(ImportError) -> [InvitationRow] {
    let table = try CSVTable(name: name, text: text)
    guard let id = table.column("student_id") else {
        throw ImportError(problems: [.init(file: name, line: 1, message: "no \"student_id\" column (the header has \(table.header.joined(separator: ", ")))")])
    }
    let groupColumns = table.header.indices.filter { $0 != id && !table.header[$0].isEmpty }
    var problems: [ImportProblem] = [], firstLine: [String: Int] = [:], rows: [InvitationRow] = []
    for r in table.rows {
        let student = r.fields[id].trimmingWhitespace()
        if student.isEmpty { problems.append(.init(file: name, line: r.line, message: "student_id is empty")) }
        if let first = firstLine[student], !student.isEmpty {
            problems.append(.init(file: name, line: r.line, message: "student \(student) is listed twice (first on line \(first))"))
        }
        firstLine[student] = firstLine[student] ?? r.line
        var groups: [String: String] = [:]
        for c in groupColumns {
            let cell = r.fields[c].trimmingWhitespace()
            if !cell.isEmpty { groups[table.header[c]] = cell }
        }
        rows.append(InvitationRow(student: student, groups: groups, line: r.line))
    }
    if rows.isEmpty && problems.isEmpty { problems.append(.init(file: name, line: 1, message: "no students after the header")) }
    if !problems.isEmpty { throw ImportError(problems: problems) }
    return rows
}
