import Crypto
import Foundation

/// Random secrets for session cookies, CSRF tokens and API tokens; only their SHA-256 is stored,
/// so a copy of the database does not let anyone log in.
public enum SecretToken {
    public static func make(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func hash(_ token: String) -> String {
        Data(SHA256.hash(data: Data(token.utf8))).hexString
    }

    public static func equals(_ lhs: String, _ rhs: String) -> Bool {
        constantTimeEquals(lhs, rhs)
    }
}
