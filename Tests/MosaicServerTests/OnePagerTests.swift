import Foundation
import Hummingbird
import HummingbirdTesting
import MosaicTestSupport
import Testing

@testable import MosaicServer

/// The one-pager for a board meeting: the Key Question and the top findings, the public
/// view whoever asks (staff only on request, marked), and a real PDF of one page.
@Suite struct OnePagerTests {
    @Test func theOnePagerIsPublicByDefaultAndPrintsToOnePDFPage() async throws {
        let f = try await Fixture.make()
        let route = "/districts/district/terms/2026-spring/one-pager"
        let district = ["mosaic_session": try await f.signIn("district")]
        let open = try await f.send(.get, route)
        #expect(open.status == .ok && open.body.contains("The Key Question at a glance") && open.body.contains("What stands out"))
        #expect(open.body.contains("public view: counts under 10 are not shown"))
        #expect(open.body.components(separatedBy: "<li><b>").count - 1 == min(5, f.diagnostic.findings.count))
        // Staff get the public view too unless they ask for theirs, which says it is not for publication.
        #expect(try await f.send(.get, route, cookies: district).body.contains("public view: counts under 10"))
        #expect(try await f.send(.get, route + "?view=staff", cookies: district).body.contains("staff view: every count shown — not for publication"))
        #expect(try await f.send(.get, route + "?view=staff").body.contains("public view: counts under 10"))
        // Kept for every visitor not signed in: the same page again.
        #expect(try await f.send(.get, route).body == open.body)
        // The overview links to it.
        #expect(try await f.send(.get, "/districts/district/terms/2026-spring").body.contains("href=\"\(route)\">Printable one-pager"))
        // A real PDF, one page (scripts/test installs Chromium before the tests).
        try #require(PDFPrinter.chromium != nil, "Chromium is needed to print the PDF: apt-get install chromium (scripts/test does)")
        let app = Application(router: f.server.router())
        let pdf = try await app.test(.router) { client in try await client.execute(uri: route + ".pdf", method: .get) }
        #expect(pdf.status == .ok && pdf.headers[.contentType] == "application/pdf")
        let bytes = Data(buffer: pdf.body)
        #expect(bytes.starts(with: Array("%PDF".utf8)))
        let text = String(decoding: bytes, as: UTF8.self)
        let pages = text.components(separatedBy: "/Type /Page").count - 1 - (text.components(separatedBy: "/Type /Pages").count - 1)
        #expect(pages == 1, "\(pages) pages")
    }
}
