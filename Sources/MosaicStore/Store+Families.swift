import Foundation

/// An invitation to apply in a round, issued by the enrollment office to one child: the
/// family proves who they are with its code (only the code's hash is kept), so one child
/// has at most one application and no one can apply for children who do not exist.
/// `groups` are what the office has verified (`economic: disadvantaged` from its
/// records): when present they stand in for anything the family declares.
public struct ApplicationInvitation: Sendable, Equatable {
    public var district: String
    public var round: String
    /// The child's id in the district's records: the application's applicant id.
    public var student: String
    public var codeHash: String
    public var groups: [String: String]
    public var issuedAt: Date

    public init(district: String, round: String, student: String, codeHash: String, groups: [String: String] = [:], issuedAt: Date) {
        self.district = district
        self.round = round
        self.student = student
        self.codeHash = codeHash
        self.groups = groups
        self.issuedAt = issuedAt
    }
}

/// What a throttle counts: in a district (or `""` for sign-in, which precedes one), a
/// scope (`login-account`, `apply-address`, …) and its subject (an email, an address).
public struct ThrottleKey: Sendable, Hashable {
    public var district: String
    public var scope: String
    public var subject: String

    public init(district: String = "", scope: String, subject: String) {
        self.district = district
        self.scope = scope
        self.subject = subject
    }
}

/// A key's hits in its current window, and when that window began (fixed windows: it
/// ends `window` seconds after its first hit).
public struct ThrottleCount: Sendable, Equatable {
    public var hits: Int
    public var windowStart: Date

    public init(hits: Int, windowStart: Date) {
        self.hits = hits
        self.windowStart = windowStart
    }

    /// Seconds until the window ends, from `now`.
    public func remaining(window: TimeInterval, now: Date) -> TimeInterval { max(0, windowStart.addingTimeInterval(window).timeIntervalSince(now)) }
}

/// A school's schedule review (`ScheduleReview` as JSON), computed by a background job
/// from the term's roster as imported at `basis` (the term's import time): when the term
/// is imported again the review is out of date and the page says so.
public struct ScheduleReviewRecord: Sendable, Equatable {
    public var district: String
    public var term: String
    public var school: String
    public var basis: Date
    public var json: String
    public var runAt: Date
    public var runBy: String

    public init(district: String, term: String, school: String, basis: Date, json: String, runAt: Date, runBy: String) {
        self.district = district
        self.term = term
        self.school = school
        self.basis = basis
        self.json = json
        self.runAt = runAt
        self.runBy = runBy
    }
}
