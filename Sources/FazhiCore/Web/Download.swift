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

/// An uploaded file's name as kept: trimmed, not empty, no path separators, at most 200 characters.
public enum UploadName {
    public static let rule = "文件名无效（不能为空、不能含路径分隔符、不超过200字）"

    /// The name to keep, or nil when it breaks `rule`.
    public static func valid(_ filename: String) -> String? {
        let name = filename.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 200, !name.contains("/"), !name.contains("\\") else { return nil }
        return name
    }
}
