import MosaicCore
import MosaicMetrics

/// A table of counts as `mosaic segregation` reads it (contract `segregation.md`): one
/// row per unit, a unit id column, optionally an outer unit column, and one
/// non-negative integer count column per group.
public struct CountTable: Sendable {
    /// The units × groups counts, rows in file order.
    public let matrix: CountMatrix
    /// The outer unit of each row (`--within`), or `nil`.
    public let outerLabels: [String]?

    /// Which columns to read.
    public struct Columns: Sendable {
        public var unit: String
        public var within: String?
        /// The count columns in order; `nil` = every column whose values are all
        /// non-negative integers, except the unit, within and `total` columns.
        public var groups: [String]?

        public init(unit: String, within: String? = nil, groups: [String]? = nil) {
            self.unit = unit
            self.within = within
            self.groups = groups
        }
    }

    /// Reads and validates a count table. Every problem in the file is collected
    /// before anything is returned.
    /// - Throws: `ImportError` listing each problem as `file:line: message`.
    public init(csv: CSVTable, columns: Columns) throws(ImportError) {
        let file = csv.name
        func column(_ name: String, _ role: String) throws(ImportError) -> Int {
            guard let c = csv.column(name) else {
                throw ImportError(file, 1, "no \(role) column \"\(name)\"; the columns are \(csv.header.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
            return c
        }
        let unitColumn = try column(columns.unit, "unit")
        let withinColumn = try columns.within.map { name throws(ImportError) in try column(name, "--within") }
        guard !csv.rows.isEmpty else { throw ImportError(file, 0, "there are no rows of counts below the header") }

        let groupColumns: [Int]
        if let names = columns.groups {
            var problems: [ImportProblem] = []
            var cols: [Int] = []
            var seen = Set<String>()
            for name in names {
                if !seen.insert(name).inserted {
                    problems.append(.init(file: file, line: 0, message: "group \"\(name)\" is listed twice in --groups"))
                } else if let c = csv.column(name) {
                    if c == unitColumn || c == withinColumn {
                        problems.append(.init(file: file, line: 1, message: "\"\(name)\" is the unit or --within column and cannot also be a group"))
                    }
                    cols.append(c)
                } else {
                    problems.append(.init(file: file, line: 1, message: "no group column \"\(name)\"; the columns are \(csv.header.map { "\"\($0)\"" }.joined(separator: ", "))"))
                }
            }
            if !problems.isEmpty { throw ImportError(problems: problems) }
            groupColumns = cols
        } else {
            groupColumns = csv.header.indices.filter { c in
                c != unitColumn && c != withinColumn && csv.header[c].lowercased() != "total"
                    && csv.rows.allSatisfy { Self.count($0.fields[c]) != nil }
            }
            guard groupColumns.count >= 2 else {
                throw ImportError(file, 1, groupColumns.isEmpty
                    ? "no count columns: every column other than the unit, --within and total columns holds something other than whole numbers"
                    : "only one count column (\"\(csv.header[groupColumns[0]])\"); name the group columns with --groups")
            }
        }

        var problems: [ImportProblem] = []
        var units: [String] = []
        var outer: [String] = []
        var counts: [Int] = []
        var firstLine: [String: Int] = [:]
        units.reserveCapacity(csv.rows.count)
        counts.reserveCapacity(csv.rows.count * groupColumns.count)
        for row in csv.rows {
            let id = row.fields[unitColumn].trimmingWhitespace()
            if id.isEmpty {
                problems.append(.init(file: file, line: row.line, message: "the unit column \"\(columns.unit)\" is empty"))
            } else if let first = firstLine[id] {
                problems.append(.init(file: file, line: row.line, message: "unit \"\(id)\" appears again (first on line \(first)); each unit must have one row"))
            } else {
                firstLine[id] = row.line
            }
            if let w = withinColumn {
                let label = row.fields[w].trimmingWhitespace()
                if label.isEmpty {
                    problems.append(.init(file: file, line: row.line, message: "unit \"\(id)\" has no outer unit: the --within column \"\(columns.within!)\" is empty"))
                }
                outer.append(label)
            }
            var hasStudents = false
            for c in groupColumns {
                let raw = row.fields[c].trimmingWhitespace()
                if let n = Self.count(raw) {
                    counts.append(n)
                    if n > 0 { hasStudents = true }
                } else {
                    counts.append(0)
                    problems.append(.init(file: file, line: row.line, message: "column \"\(csv.header[c])\": \(Self.why(raw))"))
                }
            }
            units.append(id)
            if !hasStudents && !problems.contains(where: { $0.line == row.line }) {
                problems.append(.init(file: file, line: row.line, message: "unit \"\(id)\" has no students in any group; remove the row or check its counts"))
            }
        }
        if !problems.isEmpty { throw ImportError(problems: problems) }
        do {
            matrix = try CountMatrix(units: units, groups: groupColumns.map { csv.header[$0] }, counts: counts)
        } catch {
            throw ImportError(file, 0, error.description)
        }
        outerLabels = withinColumn == nil ? nil : outer
    }

    /// A non-negative whole number of students, or `nil`.
    static func count(_ text: String) -> Int? {
        let t = text.trimmingWhitespace()
        guard !t.isEmpty, t.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(t)
    }

    static func why(_ raw: String) -> String {
        if raw.isEmpty { return "the count is empty; write 0 for no students" }
        if raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return "\"\(raw)\" is too large" }
        if raw.hasPrefix("-"), Double(raw) != nil { return "\"\(raw)\" is negative; counts are numbers of students" }
        if Double(raw) != nil { return "\"\(raw)\" is not a whole number of students" }
        return "\"\(raw)\" is not a count (expected a whole number such as 0 or 25)"
    }
}

/// A reference composition (`--reference`): a header naming the groups and exactly one
/// row of counts, for example the state's enrolment.
public struct ReferenceCounts: Sendable {
    /// One count per requested group, in the requested order.
    public let counts: [Int]

    /// - Throws: `ImportError` when a group column is missing, a count is not a count,
    ///   there is not exactly one data row, or the row has no students.
    public init(csv: CSVTable, groups: [String]) throws(ImportError) {
        let file = csv.name
        var problems: [ImportProblem] = []
        let missing = groups.filter { csv.column($0) == nil }
        if !missing.isEmpty {
            throw ImportError(file, 1, "no column for group \(missing.map { "\"\($0)\"" }.joined(separator: ", ")); the reference needs a count for every group of the table")
        }
        guard csv.rows.count == 1 else {
            throw ImportError(file, csv.rows.count > 1 ? csv.rows[1].line : 0,
                              "a reference holds exactly one row of counts; found \(csv.rows.count)")
        }
        let row = csv.rows[0]
        var counts: [Int] = []
        for g in groups {
            let raw = row.fields[csv.column(g)!].trimmingWhitespace()
            if let n = CountTable.count(raw) { counts.append(n) } else {
                problems.append(.init(file: file, line: row.line, message: "column \"\(g)\": \(CountTable.why(raw))"))
            }
        }
        if !problems.isEmpty { throw ImportError(problems: problems) }
        guard counts.reduce(0, +) > 0 else { throw ImportError(file, row.line, "the reference has no students in any group") }
        self.counts = counts
    }
}
