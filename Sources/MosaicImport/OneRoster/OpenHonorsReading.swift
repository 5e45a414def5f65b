import MosaicCore

extension Reading {
    /// Reads `mosaic_open_honors.csv` (`studentSourcedId, classSourcedId, optedIn,
    /// optedOut`): one row per student who opted into honors credit in an open-honors
    /// class. Every row is checked — the student is a student enrolled in the class, the
    /// class's course is `openHonors` (`mosaic_courses.csv`), `optedIn` is a date within
    /// the class's terms, `optedOut` is empty or such a date not before `optedIn`, and no
    /// student appears twice for one class — and each problem is logged as `FILE:LINE`.
    mutating func readOpenHonors() {
        let file = "mosaic_open_honors.csv"
        let courses = courses, sections = sections
        let open = sections.map { courses[$0.course].level == .openHonors }
        var enrolled: [Int: Set<Int32>] = [:]
        for e in enrollmentSection.indices where open[Int(enrollmentSection[e])] {
            enrolled[Int(enrollmentSection[e]), default: []].insert(enrollmentStudent[e])
        }
        var firstLine: [Int: [Int: Int]] = [:]   // section → student → line
        var rows: [Roster.OpenHonorsChoice] = []
        let users = users, sectionIDs = sectionIDs, sessions = sessions, students = students, log = log
        RosterFile.read(file, from: source, required: ["studentSourcedId", "classSourcedId", "optedIn"], log: log) { f, r in
            guard let studentID = f.field("studentSourcedId", r, log), let classID = f.field("classSourcedId", r, log),
                  let optedIn = f.field("optedIn", r, log), let optedOut = f.field("optedOut", r, log)
            else { return }
            var ok = true
            let student: Int? = Array(studentID.utf8).withUnsafeBufferPointer { users.student($0) }.map { Int($0) }
            if student == nil {
                log.add(f.name, r.line, studentID.isEmpty ? "studentSourcedId is empty" : "studentSourcedId '\(studentID)' is not a student")
                ok = false
            }
            let section: Int? = sectionIDs.find(classID).map { Int($0) }
            if section == nil {
                log.add(f.name, r.line, classID.isEmpty ? "classSourcedId is empty" : "classSourcedId '\(classID)' is not a class")
                ok = false
            }
            if let c = section, !open[c] {
                let course = courses[sections[c].course]
                log.add(f.name, r.line, "class '\(classID)' is not open honors: its course '\(course.id)' is \(course.level.rawValue) (mosaic_courses.csv level openHonors)")
                ok = false
            }
            if let c = section, let s = student, open[c], enrolled[c]?.contains(Int32(s)) != true {
                log.add(f.name, r.line, "student '\(studentID)' is not enrolled in class '\(classID)'")
                ok = false
            }
            // Dates: real dates, within the class's terms, out not before in.
            let terms = section.map { sections[$0].terms.map { sessions[$0] } } ?? []
            let first = terms.map(\.startDate).min(), last = terms.map(\.endDate).max()
            for (column, value) in [("optedIn", optedIn), ("optedOut", optedOut)] where !(column == "optedOut" && value.isEmpty) {
                guard RosterValue.isDate(value) else {
                    log.add(f.name, r.line, "\(column) '\(value)' is not a date (expected YYYY-MM-DD)")
                    ok = false
                    continue
                }
                if let first, let last, value < first || value > last {
                    log.add(f.name, r.line, "\(column) \(value) is outside the class's terms (\(first) to \(last))")
                    ok = false
                }
            }
            if RosterValue.isDate(optedIn), RosterValue.isDate(optedOut), optedOut < optedIn {
                log.add(f.name, r.line, "optedOut \(optedOut) is before optedIn \(optedIn)")
                ok = false
            }
            if let c = section, let s = student {
                if let line = firstLine[c]?[s] {
                    log.add(f.name, r.line, "student '\(students[s].id)' and class '\(classID)' are already on line \(line)")
                    ok = false
                } else {
                    firstLine[c, default: [:]][s] = r.line
                }
            }
            guard ok, let c = section, let s = student else { return }
            rows.append(.init(student: s, section: c, optedIn: optedIn, optedOut: optedOut.isEmpty ? nil : optedOut))
        }
        openHonors = rows
    }
}
