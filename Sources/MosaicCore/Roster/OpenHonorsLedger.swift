/// The open-honors ledger's rule: one choice per student and class — in once, and out
/// only after in, on or after the opt-in date. Applied to the ledger as it stands when
/// the choice is written (in the store's transaction), so two choices recorded at the same
/// moment are both judged against the other.
public enum OpenHonorsLedger {
    /// One recorded choice: opting in to (or out of) honors credit in one class.
    public struct Choice: Sendable, Equatable {
        public enum Kind: String, Sendable { case optIn = "in", optOut = "out" }
        public var student: Int
        public var section: Int
        public var kind: Kind
        /// `YYYY-MM-DD`.
        public var date: String

        public init(student: Int, section: Int, kind: Kind, date: String) {
            self.student = student
            self.section = section
            self.kind = kind
            self.date = date
        }
    }

    /// What a choice does to the ledger: a new row, or an opt-out date on an existing one.
    public enum Change: Sendable, Equatable {
        case append(Roster.OpenHonorsChoice)
        case optOut(index: Int, date: String)
    }

    /// Why the ledger refuses a choice, as a staff member reads it.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case alreadyIn(on: String, outOn: String?)
        case notIn
        case alreadyOut(on: String)
        case outBeforeIn(String, optedIn: String)

        public var description: String {
            switch self {
            case .alreadyIn(let date, let out):
                "the student already opted in on \(date)\(out.map { " and out on \($0); the ledger keeps one choice per class" } ?? "")"
            case .notIn: "the student has not opted in to this class"
            case .alreadyOut(let date): "the student already opted out on \(date)"
            case .outBeforeIn(let date, let optedIn): "\(date) is before the opt-in on \(optedIn)"
            }
        }
    }

    /// The change `choice` makes to `ledger`, or why it is refused.
    public static func change(for choice: Choice, in ledger: [Roster.OpenHonorsChoice]) throws(Refusal) -> Change {
        let existing = ledger.firstIndex { $0.section == choice.section && $0.student == choice.student }
        switch choice.kind {
        case .optIn:
            if let i = existing { throw .alreadyIn(on: ledger[i].optedIn, outOn: ledger[i].optedOut) }
            return .append(.init(student: choice.student, section: choice.section, optedIn: choice.date))
        case .optOut:
            guard let i = existing else { throw .notIn }
            if let out = ledger[i].optedOut { throw .alreadyOut(on: out) }
            guard choice.date >= ledger[i].optedIn else { throw .outBeforeIn(choice.date, optedIn: ledger[i].optedIn) }
            return .optOut(index: i, date: choice.date)
        }
    }

    /// `ledger` with `change` made.
    public static func applying(_ change: Change, to ledger: [Roster.OpenHonorsChoice]) -> [Roster.OpenHonorsChoice] {
        var out = ledger
        switch change {
        case .append(let row): out.append(row)
        case .optOut(let i, let date): out[i].optedOut = date
        }
        return out
    }
}
