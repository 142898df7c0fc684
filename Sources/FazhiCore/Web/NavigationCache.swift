import NIOConcurrencyHelpers

/// The side navigation's markup, rendered once for each set of entries a reader may see and each
/// entry marked current, then reused. The menu is the same for every request of a server and a
/// role's permissions pick the same entries each time, so rebuilding its two hundred elements on
/// every page was work without a change of result (a tenth of a list page's rendering, issue 16).
///
/// Holds its own menu: `FazhiServices` makes a new cache whenever its modules change, so a copy of
/// the services with other modules never reads markup rendered for another menu.
public final class NavigationCache: Sendable {
    public let menu: [MenuEntry]
    private let rendered = NIOLockedValueBox<[Key: String]>([:])
    /// Keys are sets of permissions and entries, bounded by the roles in use; the bound guards
    /// against a deployment that hands out many distinct permission sets.
    static let capacity = 1_024

    struct Key: Hashable {
        /// Bit i of word i/64: whether entry i of the menu is visible.
        var visible: [UInt64]
        var current: Int?
    }

    public init(menu: [MenuEntry]) {
        self.menu = menu
    }

    /// The navigation for `principal` on the page at `currentPath`, as markup `Layout` writes as is:
    /// it was rendered by `Layout.navigation`, which escapes every title and path.
    public func node(for principal: Principal, currentPath: String) -> Node {
        var visible = [UInt64](repeating: 0, count: (menu.count + 63) / 64)
        var paths: [String] = []
        for (index, entry) in menu.enumerated() where principal.has(entry.permission) {
            visible[index / 64] |= 1 << UInt64(index % 64)
            paths.append(entry.path)
        }
        let current = Layout.currentEntryPath(paths, for: currentPath).flatMap { path in menu.firstIndex { $0.path == path } }
        let key = Key(visible: visible, current: current)
        if let markup = rendered.withLockedValue({ $0[key] }) { return .trusted(markup) }
        let markup = Layout.navigation(menu: menu, principal: principal, currentPath: currentPath).render()
        rendered.withLockedValue { cache in
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = markup
        }
        return .trusted(markup)
    }

    /// How many renderings are kept (for tests).
    var count: Int { rendered.withLockedValue { $0.count } }
}
