// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title CitizenCredentialRegistry (version 2: consortium)
/// @notice Consortium trust registry and anchor for Citizen Credentials.
///
/// It holds four things:
///  - members: the consortium's nodes (account, name, public base URL),
///    admitted and removed by a majority of the active members; the deployer
///    is the founding member and decides alone while it is the only one;
///  - trusted issuers: one entry per bureau DID (keccak256 of the DID string),
///    owned by the member that registered it first; only that member may
///    change it;
///  - status list anchors, namespaced by member: the digest of each
///    (status list, version) a member publishes, written once; re-sending the
///    same digest is a no-op so retries are harmless, a different digest
///    reverts;
///  - issuance log roots, namespaced by member: the RFC 6962 root of the
///    member's issuance log for a tree size, with the same write-once rules.
///
/// Every change emits an event, so the whole history can be replayed from
/// the logs starting at deployedBlock.
contract CitizenCredentialRegistry {
    /// @notice One status list version digest or log root, and where it landed.
    struct Anchor {
        bytes32 digest;
        uint64 blockNumber;
        uint64 timestamp;
    }

    /// @notice A consortium member. admittedBlock is 0 for an account never admitted.
    struct Member {
        string name;
        string baseURL;
        bool active;
        uint64 admittedBlock;
        uint64 removedBlock;
    }

    /// @notice A trusted issuer entry. updatedBlock is 0 for an unknown DID.
    struct Issuer {
        address member;
        bytes32[] keyFingerprints;
        bytes32 allowedTypesHash;
        bool active;
        uint64 updatedBlock;
    }

    /// @notice Proposal kinds.
    uint8 public constant ADMIT = 1;
    uint8 public constant REMOVE = 2;

    /// @notice A vote to admit or remove a member.
    struct Proposal {
        uint8 kind;
        bool executed;
        uint64 createdBlock;
        address account;
        address proposer;
        string name;
        string baseURL;
        address[] approvals;
    }

    /// @notice The block the registry was deployed in: event scans start here.
    uint64 public immutable deployedBlock;

    /// @notice How many members are active now.
    uint256 public activeMemberCount;

    address[] private _memberList;
    mapping(address => Member) private _members;
    Proposal[] private _proposals; // proposal id i is _proposals[i - 1]
    mapping(uint256 => mapping(address => bool)) private _approved;
    mapping(bytes32 => Issuer) private _issuers;
    mapping(address => mapping(bytes32 => mapping(uint64 => Anchor))) private _statusAnchors;
    mapping(address => mapping(bytes32 => uint64)) private _latestVersion;
    mapping(address => mapping(uint64 => Anchor)) private _logRoots;
    mapping(address => uint64) private _latestTreeSize;

    /// @notice The caller is not an active member.
    error NotMember(address caller);
    /// @notice The DID's trust entry belongs to another member.
    error NotIssuerOwner(bytes32 didHash, address owner, address caller);
    /// @notice The member already approved the proposal.
    error AlreadyApproved(uint256 id, address member);
    /// @notice There is no proposal with this id.
    error UnknownProposal(uint256 id);
    /// @notice The proposal was already executed.
    error AlreadyExecuted(uint256 id);
    /// @notice The account to admit is already an active member.
    error AlreadyMember(address account);
    /// @notice The account to remove is not an active member.
    error NoSuchMember(address account);
    /// @notice The last active member cannot be removed.
    error LastMember(address account);
    /// @notice The proposal's approvals from active members are not more than half of them.
    error NoMajority(uint256 id, uint256 approvals, uint256 activeMembers);
    /// @notice The address is zero.
    error ZeroAddress();
    /// @notice listIds, versions and digests differ in length.
    error LengthMismatch(uint256 listIds, uint256 versions, uint256 digests);
    /// @notice A zero digest or root cannot be anchored (zero means "none").
    error ZeroDigest();
    /// @notice (listId, version) is already anchored in the member's namespace with another digest.
    error StatusListConflict(address member, bytes32 listId, uint64 version, bytes32 anchored, bytes32 sent);
    /// @notice treeSize is already anchored in the member's namespace with another root.
    error LogRootConflict(address member, uint64 treeSize, bytes32 anchored, bytes32 sent);

    event MemberAdmitted(address indexed account, string name, string baseURL, uint256 indexed proposalId);
    event MemberRemoved(address indexed account, uint256 indexed proposalId);
    event MemberUpdated(address indexed account, string name, string baseURL);
    event ProposalCreated(uint256 indexed id, uint8 kind, address indexed account, address indexed proposer);
    event ProposalApproved(uint256 indexed id, address indexed member, uint256 approvals);
    event ProposalExecuted(uint256 indexed id, uint8 kind, address indexed account);
    event IssuerSet(
        address indexed member, bytes32 indexed didHash, bytes32[] keyFingerprints, bytes32 allowedTypesHash, bool active
    );
    event StatusListAnchored(address indexed member, bytes32 indexed listId, uint64 version, bytes32 digest);
    event LogRootAnchored(address indexed member, uint64 indexed treeSize, bytes32 root);

    modifier onlyMember() {
        if (!_members[msg.sender].active) revert NotMember(msg.sender);
        _;
    }

    /// @notice Deploys the registry with msg.sender as its founding member.
    constructor(string memory name, string memory baseURL) {
        deployedBlock = uint64(block.number);
        _admit(msg.sender, name, baseURL, 0);
    }

    /// @notice The contract's version: 2. Version 1 has no such function.
    function registryVersion() external pure returns (uint256) {
        return 2;
    }

    // ---- members ----

    /// @notice How many accounts were ever admitted (removed ones included).
    function memberCount() external view returns (uint256) {
        return _memberList.length;
    }

    /// @notice The i-th account ever admitted, in admission order.
    function memberAt(uint256 i) external view returns (address) {
        return _memberList[i];
    }

    /// @notice The member entry of account; admittedBlock is 0 if it was never admitted.
    function member(address account)
        external
        view
        returns (string memory name, string memory baseURL, bool active, uint64 admittedBlock, uint64 removedBlock)
    {
        Member storage m = _members[account];
        return (m.name, m.baseURL, m.active, m.admittedBlock, m.removedBlock);
    }

    /// @notice Changes the caller's own name and base URL.
    function updateMember(string calldata name, string calldata baseURL) external onlyMember {
        Member storage m = _members[msg.sender];
        m.name = name;
        m.baseURL = baseURL;
        emit MemberUpdated(msg.sender, name, baseURL);
    }

    // ---- governance ----

    /// @notice Proposes to admit account; the caller's approval counts at once.
    function proposeAdmission(address account, string calldata name, string calldata baseURL)
        external
        onlyMember
        returns (uint256 id)
    {
        if (account == address(0)) revert ZeroAddress();
        if (_members[account].active) revert AlreadyMember(account);
        id = _propose(ADMIT, account);
        Proposal storage p = _proposals[id - 1];
        p.name = name;
        p.baseURL = baseURL;
        _approve(id, p);
    }

    /// @notice Proposes to remove account; the caller's approval counts at once.
    function proposeRemoval(address account) external onlyMember returns (uint256 id) {
        if (!_members[account].active) revert NoSuchMember(account);
        if (activeMemberCount == 1) revert LastMember(account);
        id = _propose(REMOVE, account);
        _approve(id, _proposals[id - 1]);
    }

    /// @notice Approves proposal id; it executes once more than half of the
    /// active members approved it.
    function approve(uint256 id) external onlyMember {
        Proposal storage p = _open(id);
        if (_approved[id][msg.sender]) revert AlreadyApproved(id, msg.sender);
        _approve(id, p);
    }

    /// @notice Executes proposal id if its approvals from the members active
    /// now are more than half of them. A proposal executes by itself at the
    /// approval that makes the majority; this is for one that gained it
    /// later, when removals shrank the set of active members.
    function execute(uint256 id) external onlyMember {
        Proposal storage p = _open(id);
        uint256 counted = _countActive(p);
        if (2 * counted <= activeMemberCount) revert NoMajority(id, counted, activeMemberCount);
        _execute(id, p);
    }

    /// @notice How many proposals were made; ids run from 1 to this.
    function proposalCount() external view returns (uint256) {
        return _proposals.length;
    }

    /// @notice Proposal id. Reverts UnknownProposal for an id that does not exist.
    function proposal(uint256 id) external view returns (Proposal memory) {
        if (id == 0 || id > _proposals.length) revert UnknownProposal(id);
        return _proposals[id - 1];
    }

    function _propose(uint8 kind, address account) private returns (uint256 id) {
        Proposal storage p = _proposals.push();
        p.kind = kind;
        p.account = account;
        p.proposer = msg.sender;
        p.createdBlock = uint64(block.number);
        id = _proposals.length;
        emit ProposalCreated(id, kind, account, msg.sender);
    }

    /// @dev The proposal id, which must exist and not be executed yet.
    function _open(uint256 id) private view returns (Proposal storage p) {
        if (id == 0 || id > _proposals.length) revert UnknownProposal(id);
        p = _proposals[id - 1];
        if (p.executed) revert AlreadyExecuted(id);
    }

    function _countActive(Proposal storage p) private view returns (uint256 counted) {
        uint256 n = p.approvals.length;
        for (uint256 i = 0; i < n; ++i) {
            if (_members[p.approvals[i]].active) ++counted;
        }
    }

    function _approve(uint256 id, Proposal storage p) private {
        _approved[id][msg.sender] = true;
        p.approvals.push(msg.sender);
        uint256 counted = _countActive(p);
        emit ProposalApproved(id, msg.sender, counted);
        if (2 * counted > activeMemberCount) _execute(id, p);
    }

    function _execute(uint256 id, Proposal storage p) private {
        p.executed = true;
        if (p.kind == ADMIT) {
            if (_members[p.account].active) revert AlreadyMember(p.account);
            _admit(p.account, p.name, p.baseURL, id);
        } else {
            if (!_members[p.account].active) revert NoSuchMember(p.account);
            if (activeMemberCount == 1) revert LastMember(p.account);
            Member storage m = _members[p.account];
            m.active = false;
            m.removedBlock = uint64(block.number);
            --activeMemberCount;
            emit MemberRemoved(p.account, id);
        }
        emit ProposalExecuted(id, p.kind, p.account);
    }

    function _admit(address account, string memory name, string memory baseURL, uint256 proposalId) private {
        Member storage m = _members[account];
        if (m.admittedBlock == 0) _memberList.push(account);
        m.name = name;
        m.baseURL = baseURL;
        m.active = true;
        m.admittedBlock = uint64(block.number);
        m.removedBlock = 0;
        ++activeMemberCount;
        emit MemberAdmitted(account, name, baseURL, proposalId);
    }

    // ---- trusted issuers ----

    /// @notice Writes the trust entry of a bureau DID (keccak256 of the DID
    /// string). The first member to write it owns it.
    function setIssuer(bytes32 didHash, bytes32[] calldata keyFingerprints, bytes32 allowedTypesHash, bool active)
        external
        onlyMember
    {
        Issuer storage e = _issuers[didHash];
        address owner = e.member;
        if (owner == address(0)) {
            e.member = msg.sender;
        } else if (owner != msg.sender) {
            revert NotIssuerOwner(didHash, owner, msg.sender);
        }
        e.keyFingerprints = keyFingerprints;
        e.allowedTypesHash = allowedTypesHash;
        e.active = active;
        e.updatedBlock = uint64(block.number);
        emit IssuerSet(msg.sender, didHash, keyFingerprints, allowedTypesHash, active);
    }

    /// @notice The current entry of a bureau DID; updatedBlock is 0 if there is none.
    function issuer(bytes32 didHash)
        external
        view
        returns (
            address member_,
            bytes32[] memory keyFingerprints,
            bytes32 allowedTypesHash,
            bool active,
            uint64 updatedBlock
        )
    {
        Issuer storage e = _issuers[didHash];
        return (e.member, e.keyFingerprints, e.allowedTypesHash, e.active, e.updatedBlock);
    }

    // ---- anchoring (in the caller's namespace) ----

    /// @notice Anchors status list versions and, if treeSize is not 0, an
    /// issuance log root, in one transaction, in the caller's namespace.
    function anchorBatch(
        bytes32[] calldata listIds,
        uint64[] calldata versions,
        bytes32[] calldata digests,
        bytes32 root,
        uint64 treeSize
    ) external onlyMember {
        uint256 n = listIds.length;
        if (versions.length != n || digests.length != n) {
            revert LengthMismatch(n, versions.length, digests.length);
        }
        for (uint256 i = 0; i < n; ++i) {
            _anchorStatusList(listIds[i], versions[i], digests[i]);
        }
        if (treeSize != 0) _anchorLogRoot(root, treeSize);
    }

    /// @notice What member anchored for (listId, version); all zero if nothing.
    function statusAnchor(address member_, bytes32 listId, uint64 version)
        external
        view
        returns (bytes32 digest, uint64 blockNumber, uint64 timestamp)
    {
        Anchor storage a = _statusAnchors[member_][listId][version];
        return (a.digest, a.blockNumber, a.timestamp);
    }

    /// @notice The highest version of listId member anchored; all zero if none.
    function latestStatusVersion(address member_, bytes32 listId)
        external
        view
        returns (uint64 version, bytes32 digest, uint64 blockNumber, uint64 timestamp)
    {
        version = _latestVersion[member_][listId];
        Anchor storage a = _statusAnchors[member_][listId][version];
        return (version, a.digest, a.blockNumber, a.timestamp);
    }

    /// @notice The log root member anchored for treeSize; all zero if none.
    function logRoot(address member_, uint64 treeSize)
        external
        view
        returns (bytes32 root, uint64 blockNumber, uint64 timestamp)
    {
        Anchor storage a = _logRoots[member_][treeSize];
        return (a.digest, a.blockNumber, a.timestamp);
    }

    /// @notice The log root member anchored with the largest tree size; all zero if none.
    function latestLogRoot(address member_)
        external
        view
        returns (uint64 treeSize, bytes32 root, uint64 blockNumber, uint64 timestamp)
    {
        treeSize = _latestTreeSize[member_];
        Anchor storage a = _logRoots[member_][treeSize];
        return (treeSize, a.digest, a.blockNumber, a.timestamp);
    }

    function _anchorStatusList(bytes32 listId, uint64 version, bytes32 digest) private {
        if (digest == bytes32(0)) revert ZeroDigest();
        Anchor storage a = _statusAnchors[msg.sender][listId][version];
        bytes32 anchored = a.digest;
        if (anchored == digest) return; // idempotent retry
        if (anchored != bytes32(0)) revert StatusListConflict(msg.sender, listId, version, anchored, digest);
        a.digest = digest;
        a.blockNumber = uint64(block.number);
        a.timestamp = uint64(block.timestamp);
        mapping(bytes32 => uint64) storage latest = _latestVersion[msg.sender];
        if (version > latest[listId]) latest[listId] = version;
        emit StatusListAnchored(msg.sender, listId, version, digest);
    }

    function _anchorLogRoot(bytes32 root, uint64 treeSize) private {
        if (root == bytes32(0)) revert ZeroDigest();
        Anchor storage a = _logRoots[msg.sender][treeSize];
        bytes32 anchored = a.digest;
        if (anchored == root) return; // idempotent retry
        if (anchored != bytes32(0)) revert LogRootConflict(msg.sender, treeSize, anchored, root);
        a.digest = root;
        a.blockNumber = uint64(block.number);
        a.timestamp = uint64(block.timestamp);
        if (treeSize > _latestTreeSize[msg.sender]) _latestTreeSize[msg.sender] = treeSize;
        emit LogRootAnchored(msg.sender, treeSize, root);
    }
}
