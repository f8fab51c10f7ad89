// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title CitizenCredentialRegistry
/// @notice Consortium trust registry and anchor for Citizen Credentials.
///
/// It holds three things:
///  - trusted issuers: one entry per bureau DID (keccak256 of the DID string),
///    written only by the consortium admin; every change emits IssuerSet, so the
///    trust history can be replayed from the logs;
///  - status list anchors: the digest of each (status list, version), written
///    once; re-sending the same digest is a no-op so retries and duplicate
///    submissions from several workers are harmless, a different digest reverts;
///  - issuance log roots: the RFC 6962 root of the issuance log for a tree size,
///    with the same write-once rules.
///
/// Anchors may be written by the admin or by an allow-listed anchorer account.
contract CitizenCredentialRegistry {
    /// @notice One status list version digest or log root, and where it landed.
    struct Anchor {
        bytes32 digest;
        uint64 blockNumber;
        uint64 timestamp;
    }

    /// @notice A trusted issuer entry. updatedBlock is 0 for an unknown DID.
    struct Issuer {
        bytes32[] keyFingerprints;
        bytes32 allowedTypesHash;
        bool active;
        uint64 updatedBlock;
    }

    /// @notice The consortium admin: manages issuers and anchorers, may anchor.
    address public admin;

    /// @notice Accounts allowed to anchor besides the admin.
    mapping(address => bool) public isAnchorer;

    mapping(bytes32 => Issuer) private _issuers;
    mapping(bytes32 => mapping(uint64 => Anchor)) private _statusAnchors;
    mapping(uint64 => Anchor) private _logRoots;

    /// @notice The caller is not the admin.
    error NotAdmin(address caller);
    /// @notice The caller is neither the admin nor an allow-listed anchorer.
    error NotAnchorer(address caller);
    /// @notice The address is zero.
    error ZeroAddress();
    /// @notice listIds, versions and digests differ in length.
    error LengthMismatch(uint256 listIds, uint256 versions, uint256 digests);
    /// @notice A zero digest or root cannot be anchored (zero means "none").
    error ZeroDigest();
    /// @notice Tree size 0 is reserved for "no log root".
    error ZeroTreeSize();
    /// @notice (listId, version) is already anchored with another digest.
    error StatusListConflict(bytes32 listId, uint64 version, bytes32 anchored, bytes32 sent);
    /// @notice treeSize is already anchored with another root.
    error LogRootConflict(uint64 treeSize, bytes32 anchored, bytes32 sent);

    event AdminTransferred(address indexed previousAdmin, address indexed newAdmin);
    event AnchorerSet(address indexed anchorer, bool allowed);
    event IssuerSet(bytes32 indexed didHash, bytes32[] keyFingerprints, bytes32 allowedTypesHash, bool active);
    event StatusListAnchored(bytes32 indexed listId, uint64 indexed version, bytes32 digest);
    event LogRootAnchored(bytes32 root, uint64 indexed treeSize);

    modifier onlyAdmin() {
        if (msg.sender != admin) revert NotAdmin(msg.sender);
        _;
    }

    modifier onlyAnchorer() {
        if (msg.sender != admin && !isAnchorer[msg.sender]) revert NotAnchorer(msg.sender);
        _;
    }

    constructor() {
        admin = msg.sender;
        emit AdminTransferred(address(0), msg.sender);
    }

    // ---- administration ----

    /// @notice Hands the consortium admin role to newAdmin.
    function transferAdmin(address newAdmin) external onlyAdmin {
        if (newAdmin == address(0)) revert ZeroAddress();
        emit AdminTransferred(admin, newAdmin);
        admin = newAdmin;
    }

    /// @notice Allows or disallows an account to anchor.
    function setAnchorer(address anchorer, bool allowed) external onlyAdmin {
        if (anchorer == address(0)) revert ZeroAddress();
        isAnchorer[anchorer] = allowed;
        emit AnchorerSet(anchorer, allowed);
    }

    // ---- trusted issuers ----

    /// @notice Writes the trust entry of an issuer DID (keccak256 of the DID string).
    function setIssuer(bytes32 didHash, bytes32[] calldata keyFingerprints, bytes32 allowedTypesHash, bool active)
        external
        onlyAdmin
    {
        Issuer storage e = _issuers[didHash];
        e.keyFingerprints = keyFingerprints;
        e.allowedTypesHash = allowedTypesHash;
        e.active = active;
        e.updatedBlock = uint64(block.number);
        emit IssuerSet(didHash, keyFingerprints, allowedTypesHash, active);
    }

    /// @notice The current entry of an issuer; updatedBlock is 0 if there is none.
    function issuer(bytes32 didHash)
        external
        view
        returns (bytes32[] memory keyFingerprints, bytes32 allowedTypesHash, bool active, uint64 updatedBlock)
    {
        Issuer storage e = _issuers[didHash];
        return (e.keyFingerprints, e.allowedTypesHash, e.active, e.updatedBlock);
    }

    // ---- anchoring ----

    /// @notice Anchors status list versions and, if treeSize is not 0, an
    /// issuance log root, in one transaction.
    function anchorBatch(
        bytes32[] calldata listIds,
        uint64[] calldata versions,
        bytes32[] calldata digests,
        bytes32 root,
        uint64 treeSize
    ) external onlyAnchorer {
        _anchorStatusLists(listIds, versions, digests);
        if (treeSize != 0) _anchorLogRoot(root, treeSize);
    }

    /// @notice Anchors status list versions in one transaction.
    function anchorStatusLists(bytes32[] calldata listIds, uint64[] calldata versions, bytes32[] calldata digests)
        external
        onlyAnchorer
    {
        _anchorStatusLists(listIds, versions, digests);
    }

    /// @notice Anchors the issuance log root for treeSize.
    function anchorLogRoot(bytes32 root, uint64 treeSize) external onlyAnchorer {
        if (treeSize == 0) revert ZeroTreeSize();
        _anchorLogRoot(root, treeSize);
    }

    /// @notice What is anchored for (listId, version); all zero if nothing.
    function statusAnchor(bytes32 listId, uint64 version)
        external
        view
        returns (bytes32 digest, uint64 blockNumber, uint64 timestamp)
    {
        Anchor storage a = _statusAnchors[listId][version];
        return (a.digest, a.blockNumber, a.timestamp);
    }

    /// @notice The log root anchored for treeSize; all zero if none.
    function logRoot(uint64 treeSize) external view returns (bytes32 root, uint64 blockNumber, uint64 timestamp) {
        Anchor storage a = _logRoots[treeSize];
        return (a.digest, a.blockNumber, a.timestamp);
    }

    function _anchorStatusLists(bytes32[] calldata listIds, uint64[] calldata versions, bytes32[] calldata digests)
        private
    {
        uint256 n = listIds.length;
        if (versions.length != n || digests.length != n) {
            revert LengthMismatch(n, versions.length, digests.length);
        }
        for (uint256 i = 0; i < n; ++i) {
            bytes32 digest = digests[i];
            if (digest == bytes32(0)) revert ZeroDigest();
            Anchor storage a = _statusAnchors[listIds[i]][versions[i]];
            bytes32 anchored = a.digest;
            if (anchored == digest) continue; // idempotent retry
            if (anchored != bytes32(0)) revert StatusListConflict(listIds[i], versions[i], anchored, digest);
            a.digest = digest;
            a.blockNumber = uint64(block.number);
            a.timestamp = uint64(block.timestamp);
            emit StatusListAnchored(listIds[i], versions[i], digest);
        }
    }

    function _anchorLogRoot(bytes32 root, uint64 treeSize) private {
        if (root == bytes32(0)) revert ZeroDigest();
        Anchor storage a = _logRoots[treeSize];
        bytes32 anchored = a.digest;
        if (anchored == root) return; // idempotent retry
        if (anchored != bytes32(0)) revert LogRootConflict(treeSize, anchored, root);
        a.digest = root;
        a.blockNumber = uint64(block.number);
        a.timestamp = uint64(block.timestamp);
        emit LogRootAnchored(root, treeSize);
    }
}
