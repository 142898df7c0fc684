import Foundation
import Vapor

extension Response {
    /// A stored upload sent back as a download: its own (maybe Chinese) name as RFC 5987 UTF-8, and
    /// an ASCII `fallback` name for clients that read only the plain parameter.
    public static func upload(_ data: Data, filename: String, fallback: String) -> Response {
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "octet-stream")
        let encoded = filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? fallback
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)")
        return response
    }
}
