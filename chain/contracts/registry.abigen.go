// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package contracts

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// CitizenCredentialRegistryProposal is an auto generated low-level Go binding around an user-defined struct.
type CitizenCredentialRegistryProposal struct {
	Kind         uint8
	Executed     bool
	CreatedBlock uint64
	Account      common.Address
	Proposer     common.Address
	Name         string
	BaseURL      string
	Approvals    []common.Address
}

// CitizenCredentialRegistryMetaData contains all meta data concerning the CitizenCredentialRegistry contract.
var CitizenCredentialRegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"baseURL\",\"type\":\"string\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"member\",\"type\":\"address\"}],\"name\":\"AlreadyApproved\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"AlreadyExecuted\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"AlreadyMember\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"LastMember\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"listIds\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"versions\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"digests\",\"type\":\"uint256\"}],\"name\":\"LengthMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"member\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"treeSize\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"anchored\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sent\",\"type\":\"bytes32\"}],\"name\":\"LogRootConflict\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"NoSuchMember\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"didHash\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotIssuerOwner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotMember\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"member\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"listId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"anchored\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sent\",\"type\":\"bytes32\"}],\"name\":\"StatusListConflict\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"UnknownProposal\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroDigest\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"member\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"didHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32[]\",\"name\":\"keyFingerprints\",\"type\":\"bytes32[]\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"allowedTypesHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"active\",\"type\":\"bool\"}],\"name\":\"IssuerSet\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"member\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"treeSize\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"}],\"name\":\"LogRootAnchored\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"baseURL\",\"type\":\"string\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"MemberAdmitted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"proposalId\",\"type\":\"uint256\"}],\"name\":\"MemberRemoved\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"indexed\":false,\"internalType\":\"string\",\"name\":\"baseURL\",\"type\":\"string\"}],\"name\":\"MemberUpdated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"member\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"approvals\",\"type\":\"uint256\"}],\"name\":\"ProposalApproved\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint8\",\"name\":\"kind\",\"type\":\"uint8\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"proposer\",\"type\":\"address\"}],\"name\":\"ProposalCreated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint8\",\"name\":\"kind\",\"type\":\"uint8\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"ProposalExecuted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"member\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"listId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"digest\",\"type\":\"bytes32\"}],\"name\":\"StatusListAnchored\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"ADMIT\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"REMOVE\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"activeMemberCount\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"listIds\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint64[]\",\"name\":\"versions\",\"type\":\"uint64[]\"},{\"internalType\":\"bytes32[]\",\"name\":\"digests\",\"type\":\"bytes32[]\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"treeSize\",\"type\":\"uint64\"}],\"name\":\"anchorBatch\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"deployedBlock\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"didHash\",\"type\":\"bytes32\"}],\"name\":\"issuer\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"member_\",\"type\":\"address\"},{\"internalType\":\"bytes32[]\",\"name\":\"keyFingerprints\",\"type\":\"bytes32[]\"},{\"internalType\":\"bytes32\",\"name\":\"allowedTypesHash\",\"type\":\"bytes32\"},{\"internalType\":\"bool\",\"name\":\"active\",\"type\":\"bool\"},{\"internalType\":\"uint64\",\"name\":\"updatedBlock\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"member_\",\"type\":\"address\"}],\"name\":\"latestLogRoot\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"treeSize\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"blockNumber\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"timestamp\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"member_\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"listId\",\"type\":\"bytes32\"}],\"name\":\"latestStatusVersion\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"digest\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"blockNumber\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"timestamp\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"member_\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"treeSize\",\"type\":\"uint64\"}],\"name\":\"logRoot\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"blockNumber\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"timestamp\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"member\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"baseURL\",\"type\":\"string\"},{\"internalType\":\"bool\",\"name\":\"active\",\"type\":\"bool\"},{\"internalType\":\"uint64\",\"name\":\"admittedBlock\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"removedBlock\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"i\",\"type\":\"uint256\"}],\"name\":\"memberAt\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"memberCount\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"proposal\",\"outputs\":[{\"components\":[{\"internalType\":\"uint8\",\"name\":\"kind\",\"type\":\"uint8\"},{\"internalType\":\"bool\",\"name\":\"executed\",\"type\":\"bool\"},{\"internalType\":\"uint64\",\"name\":\"createdBlock\",\"type\":\"uint64\"},{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"proposer\",\"type\":\"address\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"baseURL\",\"type\":\"string\"},{\"internalType\":\"address[]\",\"name\":\"approvals\",\"type\":\"address[]\"}],\"internalType\":\"structCitizenCredentialRegistry.Proposal\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"proposalCount\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"baseURL\",\"type\":\"string\"}],\"name\":\"proposeAdmission\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"proposeRemoval\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"registryVersion\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"didHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32[]\",\"name\":\"keyFingerprints\",\"type\":\"bytes32[]\"},{\"internalType\":\"bytes32\",\"name\":\"allowedTypesHash\",\"type\":\"bytes32\"},{\"internalType\":\"bool\",\"name\":\"active\",\"type\":\"bool\"}],\"name\":\"setIssuer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"member_\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"listId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"}],\"name\":\"statusAnchor\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"digest\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"blockNumber\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"timestamp\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"baseURL\",\"type\":\"string\"}],\"name\":\"updateMember\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "CitizenCredentialRegistry",
	Bin: "0x60a060405234801561000f575f5ffd5b5060405161269b38038061269b83398101604081905261002e91610217565b6001600160401b0343166080526100473383835f61004e565b5050610448565b6001600160a01b0384165f90815260026020819052604082209081015490916101009091046001600160401b031690036100cc576001805480820182555f919091527fb10e2d527612073b26eecdfd717e6a320cf44b4afac2b0732d9fcbe2b7fa0cf60180546001600160a01b0319166001600160a01b0387161790555b806100d7858261030b565b50600181016100e6848261030b565b5060028101805460016001600160481b0319909116610100436001600160401b0316021717600160481b600160881b03191690555f80548190610128906103c9565b9190508190555081856001600160a01b03167f3547df654beb48d22ea7618659d33aa5ed6acf616a291f71c3cb0989b6a013f0868660405161016b92919061041b565b60405180910390a35050505050565b634e487b7160e01b5f52604160045260245ffd5b5f82601f83011261019d575f5ffd5b81516001600160401b038111156101b6576101b661017a565b604051601f8201601f19908116603f011681016001600160401b03811182821017156101e4576101e461017a565b6040528181528382016020018510156101fb575f5ffd5b8160208501602083015e5f918101602001919091529392505050565b5f5f60408385031215610228575f5ffd5b82516001600160401b0381111561023d575f5ffd5b6102498582860161018e565b602085015190935090506001600160401b03811115610266575f5ffd5b6102728582860161018e565b9150509250929050565b600181811c9082168061029057607f821691505b6020821081036102ae57634e487b7160e01b5f52602260045260245ffd5b50919050565b601f821115610306578282111561030657805f5260205f20601f840160051c60208510156102df57505f5b90810190601f840160051c035f5b81811015610302575f838201556001016102ed565b5050505b505050565b81516001600160401b038111156103245761032461017a565b61033881610332845461027c565b846102b4565b6020601f82116001811461036a575f83156103535750848201515b5f19600385901b1c1916600184901b1784556103c2565b5f84815260208120601f198516915b828110156103995787850151825560209485019460019092019101610379565b50848210156103b657868401515f19600387901b60f8161c191681555b505060018360011b0184555b5050505050565b5f600182016103e657634e487b7160e01b5f52601160045260245ffd5b5060010190565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b604081525f61042d60408301856103ed565b828103602084015261043f81856103ed565b95945050505050565b60805161223b6104605f395f610370015261223b5ff3fe608060405234801561000f575f5ffd5b5060043610610132575f3560e01c806363405180116100b4578063af96bd6b11610079578063af96bd6b146103e8578063b759f9541461040c578063c7238eb61461041f578063da35c66414610427578063e7d4539e1461042f578063f2b0e7fd14610453575f5ffd5b806363405180146102b057806365b470a5146102c357806382ea7bfe1461036b5780639bf04bae146103aa578063ac0250f7146103bd575f5ffd5b80633d84e63d116100fa5780633d84e63d146101a557806345ede1b9146102295780634628ab3b1461023e5780634ce14402146102955780635fb6c6ed146102a8575f5ffd5b806301f7c6e3146101365780630f9be51c1461015c57806311aee3801461016357806330326c171461016b57806336f656a11461018b575b5f5ffd5b6101496101443660046118ce565b6104af565b6040519081526020015b60405180910390f35b6002610149565b600154610149565b61017e6101793660046118ee565b6105a0565b6040516101539190611976565b610193600281565b60405160ff9091168152602001610153565b6102046101b3366004611a54565b6001600160a01b03929092165f9081526006602090815260408083209383529281528282206001600160401b0394851683529052208054600190910154909281831692600160401b90920490911690565b604080519384526001600160401b039283166020850152911690820152606001610153565b61023c610237366004611ad4565b61082a565b005b61020461024c366004611b88565b6001600160a01b0382165f9081526008602090815260408083206001600160401b03808616855292529091208054600190910154909181811691600160401b9004169250925092565b61023c6102a3366004611bb9565b610936565b6101495f5481565b6101496102be366004611c5f565b610a73565b6103386102d1366004611cdd565b6001600160a01b03919091165f818152600760209081526040808320858452825280832054938352600682528083209483529381528382206001600160401b03938416808452915292902080546001909101549293909280831692600160401b9091041690565b604080516001600160401b0395861681526020810194909452918416918301919091529091166060820152608001610153565b6103927f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160401b039091168152602001610153565b61023c6103b8366004611d05565b610b86565b6103d06103cb3660046118ee565b610c34565b6040516001600160a01b039091168152602001610153565b6103fb6103f63660046118ee565b610c62565b604051610153959493929190611d6f565b61023c61041a3660046118ee565b610d0d565b610193600181565b600354610149565b61044261043d3660046118ce565b610e1c565b604051610153959493929190611de1565b6103386104613660046118ce565b6001600160a01b03165f90815260096020908152604080832054600883528184206001600160401b039182168086529352922080546001909101549193909282811692600160401b90041690565b335f9081526002602081905260408220015460ff166104e8576040516305b5850b60e21b81523360048201526024015b60405180910390fd5b6001600160a01b0382165f908152600260208190526040909120015460ff1661052f576040516320c6879560e01b81526001600160a01b03831660048201526024016104df565b5f5460010361055c5760405163386222cd60e21b81526001600160a01b03831660048201526024016104df565b610567600283610f92565b905061059b81600361057a600183611e41565b8154811061058a5761058a611e5a565b905f5260205f2090600502016110a6565b919050565b60408051610100810182525f808252602082018190529181018290526060808201839052608082019290925260a0810182905260c0810182905260e08101919091528115806105f0575060035482115b156106115760405163147067ad60e11b8152600481018390526024016104df565b600361061e600184611e41565b8154811061062e5761062e611e5a565b5f9182526020918290206040805161010080820183526005909402909201805460ff80821685529481049094161515948301949094526001600160401b0362010000840416908201526001600160a01b03600160501b909204821660608201526001830154909116608082015260028201805491929160a0840191906106b390611e6e565b80601f01602080910402602001604051908101604052809291908181526020018280546106df90611e6e565b801561072a5780601f106107015761010080835404028352916020019161072a565b820191905f5260205f20905b81548152906001019060200180831161070d57829003601f168201915b5050505050815260200160038201805461074390611e6e565b80601f016020809104026020016040519081016040528092919081815260200182805461076f90611e6e565b80156107ba5780601f10610791576101008083540402835291602001916107ba565b820191905f5260205f20905b81548152906001019060200180831161079d57829003601f168201915b505050505081526020016004820180548060200260200160405190810160405280929190818152602001828054801561081a57602002820191905f5260205f20905b81546001600160a01b031681526001909101906020018083116107fc575b5050505050815250509050919050565b335f908152600260208190526040909120015460ff1661085f576040516305b5850b60e21b81523360048201526024016104df565b86858114158061086f5750838114155b1561089e57604051638ee979f560e01b81526004810182905260248101879052604481018590526064016104df565b5f5b81811015610911576109098a8a838181106108bd576108bd611e5a565b905060200201358989848181106108d6576108d6611e5a565b90506020020160208101906108eb9190611ea6565b8888858181106108fd576108fd611e5a565b905060200201356114d5565b6001016108a0565b506001600160401b0382161561092b5761092b8383611644565b505050505050505050565b335f908152600260208190526040909120015460ff1661096b576040516305b5850b60e21b81523360048201526024016104df565b5f85815260056020526040902080546001600160a01b03168061099d5781546001600160a01b031916331782556109de565b6001600160a01b03811633146109de57604051637c07a89f60e11b8152600481018890526001600160a01b03821660248201523360448201526064016104df565b600182016109ed868883611eea565b506002820184905560038201805468ffffffffffffffffff191684151568ffffffffffffffff00191617610100436001600160401b031602179055604051879033907fde6b673f1f001bfbc6b44f97db9d6ed30e74e06256edbc2062f10ae301f9a80590610a62908a908a908a908a90611f79565b60405180910390a350505050505050565b335f9081526002602081905260408220015460ff16610aa7576040516305b5850b60e21b81523360048201526024016104df565b6001600160a01b038616610ace5760405163d92e233d60e01b815260040160405180910390fd5b6001600160a01b0386165f908152600260208190526040909120015460ff1615610b1657604051630268f92960e01b81526001600160a01b03871660048201526024016104df565b610b21600187610f92565b90505f6003610b31600184611e41565b81548110610b4157610b41611e5a565b5f9182526020909120600590910201905060028101610b61868883612010565b5060038101610b71848683612010565b50610b7c82826110a6565b5095945050505050565b335f908152600260208190526040909120015460ff16610bbb576040516305b5850b60e21b81523360048201526024016104df565b335f90815260026020526040902080610bd5858783612010565b5060018101610be5838583612010565b50336001600160a01b03167fa51f00edd560276e5d127acb8cc881939927397e5cc77a4172c5863c91d60f3786868686604051610c2594939291906120f2565b60405180910390a25050505050565b5f60018281548110610c4857610c48611e5a565b5f918252602090912001546001600160a01b031692915050565b5f81815260056020908152604080832080546002820154600383015460018401805486518189028101890190975280875260609789978897889790966001600160a01b0390911695909360ff8216936101009092046001600160401b03169291869190830182828015610cf257602002820191905f5260205f20905b815481526020019060010190808311610cde575b50505050509350955095509550955095505091939590929450565b335f908152600260208190526040909120015460ff16610d42576040516305b5850b60e21b81523360048201526024016104df565b801580610d50575060035481115b15610d715760405163147067ad60e11b8152600481018290526024016104df565b5f6003610d7f600184611e41565b81548110610d8f57610d8f611e5a565b5f91825260209091206005909102018054909150610100900460ff1615610dcc57604051636a64e96160e01b8152600481018390526024016104df565b5f82815260046020908152604080832033845290915290205460ff1615610e0e576040516294775b60e41b8152600481018390523360248201526044016104df565b610e1882826110a6565b5050565b6001600160a01b0381165f90815260026020819052604082209081015481546060938493909283928392918291600183019160ff8116916001600160401b036101008304811692600160481b900416908590610e7790611e6e565b80601f0160208091040260200160405190810160405280929190818152602001828054610ea390611e6e565b8015610eee5780601f10610ec557610100808354040283529160200191610eee565b820191905f5260205f20905b815481529060010190602001808311610ed157829003601f168201915b50505050509450838054610f0190611e6e565b80601f0160208091040260200160405190810160405280929190818152602001828054610f2d90611e6e565b8015610cf25780601f10610f4f57610100808354040283529160200191610cf2565b820191905f5260205f20905b815481529060010190602001808311610f5b57829003601f1682019150505050509350955095509550955095505091939590929450565b600380546001810182555f8290527fc2575a0e9e593c00f959f8c92f12db2869c3395a3b0502d05e2516446f71f85b600590910290810180547fc2575a0e9e593c00f959f8c92f12db2869c3395a3b0502d05e2516446f71f85c9092018054336001600160a01b0319909116811790915560ff86167fffff0000000000000000000000000000000000000000ffffffffffffffffff009093168317600160501b6001600160a01b0387169081029190911769ffffffffffffffff0000191662010000436001600160401b031602178355935460405193845293919290919084907f27ea2cad5e4584ad97131983569ea163d6939d2154ceb6288fc4ee1bb8a2c63b9060200160405180910390a45092915050565b5f82815260046020818152604080842033808652908352908420805460ff191660019081179091559285018054938401815580855291842090920180546001600160a01b0319169092179091555490805b8281101561115a5760025f85600401838154811061111757611117611e5a565b5f9182526020808320909101546001600160a01b0316835282019290925260400190206002015460ff16156111525761114f82612123565b91505b6001016110f7565b50604051818152339085907f2f0f51d2f12c71357e60d575d47e93e081dbaf32072245ab1e01540f0aadbf1a9060200160405180910390a35f5461119f826002611ed3565b116111aa5750505050565b825461010061ff0019821617845560ff165f1901611354578254600160501b90046001600160a01b03165f908152600260208190526040909120015460ff161561121b578254604051630268f92960e01b8152600160501b9091046001600160a01b031660048201526024016104df565b825460028401805461134f92600160501b90046001600160a01b0316919061124290611e6e565b80601f016020809104026020016040519081016040528092919081815260200182805461126e90611e6e565b80156112b95780601f10611290576101008083540402835291602001916112b9565b820191905f5260205f20905b81548152906001019060200180831161129c57829003601f168201915b50505050508560030180546112cd90611e6e565b80601f01602080910402602001604051908101604052809291908181526020018280546112f990611e6e565b80156113445780601f1061131b57610100808354040283529160200191611344565b820191905f5260205f20905b81548152906001019060200180831161132757829003601f168201915b505050505087611783565b611482565b8254600160501b90046001600160a01b03165f908152600260208190526040909120015460ff166113ac5782546040516320c6879560e01b8152600160501b9091046001600160a01b031660048201526024016104df565b5f546001036113e257825460405163386222cd60e21b8152600160501b9091046001600160a01b031660048201526024016104df565b8254600160501b90046001600160a01b03165f9081526002602081905260408220908101805470ffffffffffffffff0000000000000000ff1916600160481b436001600160401b0316021790558154909190819061143f9061213b565b9091555083546040518691600160501b90046001600160a01b0316907f3ac963493df564de734d98633f1145d21512e282ba4c02d3c1011119bf7f2862905f90a3505b825460405160ff82168152600160501b9091046001600160a01b03169085907ffca604f7c65f1962e4db27dbf7b2473457d3d7e34127ff2002bfb14e5c7467f8906020015b60405180910390a350505050565b806114f35760405163506f3a1b60e01b815260040160405180910390fd5b335f90815260066020908152604080832086845282528083206001600160401b03861684529091529020805482810361152d575050505050565b801561157257604051633eab426560e01b8152336004820152602481018690526001600160401b0385166044820152606481018290526084810184905260a4016104df565b828255600182018054426001600160401b03908116600160401b026001600160801b03199092164382161791909117909155335f9081526007602090815260408083208984529182905290912054909190811690861611156115f6575f868152602082905260409020805467ffffffffffffffff19166001600160401b0387161790555b604080516001600160401b038716815260208101869052879133917f3d3f0ebfe92fa170ba820317471788eea35aa84bab86cd9d1ff3d63b7008bc00910160405180910390a3505050505050565b816116625760405163506f3a1b60e01b815260040160405180910390fd5b335f9081526008602090815260408083206001600160401b0385168452909152902080548381036116935750505050565b80156116d157604051634eb7f99b60e01b81523360048201526001600160401b038416602482015260448101829052606481018590526084016104df565b838255600182018054426001600160401b03908116600160401b026001600160801b03199092164382161791909117909155335f908152600960205260409020548116908416111561174657335f908152600960205260409020805467ffffffffffffffff19166001600160401b0385161790555b6040518481526001600160401b0384169033907f22cd2eb7f90054264026718bb7714db7ca1416c6f6397f3e886ab51cadce2a27906020016114c7565b6001600160a01b0384165f90815260026020819052604082209081015490916101009091046001600160401b03169003611801576001805480820182555f919091527fb10e2d527612073b26eecdfd717e6a320cf44b4afac2b0732d9fcbe2b7fa0cf60180546001600160a01b0319166001600160a01b0387161790555b8061180c8582612150565b506001810161181b8482612150565b50600281018054600168ffffffffffffffffff19909116610100436001600160401b031602171770ffffffffffffffff000000000000000000191690555f8054819061186690612123565b9190508190555081856001600160a01b03167f3547df654beb48d22ea7618659d33aa5ed6acf616a291f71c3cb0989b6a013f086866040516118a992919061220a565b60405180910390a35050505050565b80356001600160a01b038116811461059b575f5ffd5b5f602082840312156118de575f5ffd5b6118e7826118b8565b9392505050565b5f602082840312156118fe575f5ffd5b5035919050565b5f81518084528060208401602086015e5f602082860101526020601f19601f83011685010191505092915050565b5f8151808452602084019350602083015f5b8281101561196c5781516001600160a01b0316865260209586019590910190600101611945565b5093949350505050565b6020815261198a60208201835160ff169052565b5f602083015161199e604084018215159052565b5060408301516001600160401b03811660608401525060608301516001600160a01b03811660808401525060808301516001600160a01b03811660a08401525060a083015161010060c08401526119f9610120840182611905565b905060c0840151601f198483030160e0850152611a168282611905565b91505060e0840151601f1984830301610100850152611a358282611933565b95945050505050565b80356001600160401b038116811461059b575f5ffd5b5f5f5f60608486031215611a66575f5ffd5b611a6f846118b8565b925060208401359150611a8460408501611a3e565b90509250925092565b5f5f83601f840112611a9d575f5ffd5b5081356001600160401b03811115611ab3575f5ffd5b6020830191508360208260051b8501011115611acd575f5ffd5b9250929050565b5f5f5f5f5f5f5f5f60a0898b031215611aeb575f5ffd5b88356001600160401b03811115611b00575f5ffd5b611b0c8b828c01611a8d565b90995097505060208901356001600160401b03811115611b2a575f5ffd5b611b368b828c01611a8d565b90975095505060408901356001600160401b03811115611b54575f5ffd5b611b608b828c01611a8d565b90955093505060608901359150611b7960808a01611a3e565b90509295985092959890939650565b5f5f60408385031215611b99575f5ffd5b611ba2836118b8565b9150611bb060208401611a3e565b90509250929050565b5f5f5f5f5f60808688031215611bcd575f5ffd5b8535945060208601356001600160401b03811115611be9575f5ffd5b611bf588828901611a8d565b9095509350506040860135915060608601358015158114611c14575f5ffd5b809150509295509295909350565b5f5f83601f840112611c32575f5ffd5b5081356001600160401b03811115611c48575f5ffd5b602083019150836020828501011115611acd575f5ffd5b5f5f5f5f5f60608688031215611c73575f5ffd5b611c7c866118b8565b945060208601356001600160401b03811115611c96575f5ffd5b611ca288828901611c22565b90955093505060408601356001600160401b03811115611cc0575f5ffd5b611ccc88828901611c22565b969995985093965092949392505050565b5f5f60408385031215611cee575f5ffd5b611cf7836118b8565b946020939093013593505050565b5f5f5f5f60408587031215611d18575f5ffd5b84356001600160401b03811115611d2d575f5ffd5b611d3987828801611c22565b90955093505060208501356001600160401b03811115611d57575f5ffd5b611d6387828801611c22565b95989497509550505050565b6001600160a01b038616815260a0602080830182905286519183018290525f919087019060c0840190835b81811015611db8578351835260209384019390920191600101611d9a565b50506040840196909652505091151560608301526001600160401b031660809091015292915050565b60a081525f611df360a0830188611905565b8281036020840152611e058188611905565b951515604084015250506001600160401b039283166060820152911660809091015292915050565b634e487b7160e01b5f52601160045260245ffd5b81810381811115611e5457611e54611e2d565b92915050565b634e487b7160e01b5f52603260045260245ffd5b600181811c90821680611e8257607f821691505b602082108103611ea057634e487b7160e01b5f52602260045260245ffd5b50919050565b5f60208284031215611eb6575f5ffd5b6118e782611a3e565b634e487b7160e01b5f52604160045260245ffd5b8082028115828204841417611e5457611e54611e2d565b6001600160401b03831115611f0157611f01611ebf565b600160401b831115611f1557611f15611ebf565b805483825580841015611f4957815f528360205f20018482035f5b81811015611f45575f83820155600101611f30565b5050505b505f8181526020812083915b85811015611f7157823582820155602090920191600101611f55565b505050505050565b606080825281018490525f6001600160fb1b03851115611f97575f5ffd5b8460051b8087608085013760208301949094525090151560408201520160800192915050565b601f82111561200b578282111561200b57805f5260205f20601f840160051c6020851015611fe857505f5b90810190601f840160051c035f5b81811015611f71575f83820155600101611ff6565b505050565b6001600160401b0383111561202757612027611ebf565b61203b836120358354611e6e565b83611fbd565b5f601f84116001811461206c575f85156120555750838201355b5f19600387901b1c1916600186901b1783556120c3565b5f83815260208120601f198716915b8281101561209b578685013582556020948501946001909201910161207b565b50868210156120b7575f1960f88860031b161c19848701351681555b505060018560011b0183555b5050505050565b81835281816020850137505f828201602090810191909152601f909101601f19169091010190565b604081525f6121056040830186886120ca565b82810360208401526121188185876120ca565b979650505050505050565b5f6001820161213457612134611e2d565b5060010190565b5f8161214957612149611e2d565b505f190190565b81516001600160401b0381111561216957612169611ebf565b61217d816121778454611e6e565b84611fbd565b6020601f8211600181146121af575f83156121985750848201515b5f19600385901b1c1916600184901b1784556120c3565b5f84815260208120601f198516915b828110156121de57878501518255602094850194600190920191016121be565b50848210156121fb57868401515f19600387901b60f8161c191681555b50505050600190811b01905550565b604081525f61221c6040830185611905565b8281036020840152611a35818561190556fea164736f6c6343000825000a",
}

// CitizenCredentialRegistry is an auto generated Go binding around an Ethereum contract.
type CitizenCredentialRegistry struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *CitizenCredentialRegistry) GetABI() abi.ABI {
	return c.abi
}

// NewCitizenCredentialRegistry creates a new instance of CitizenCredentialRegistry.
func NewCitizenCredentialRegistry() *CitizenCredentialRegistry {
	parsed, err := CitizenCredentialRegistryMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &CitizenCredentialRegistry{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *CitizenCredentialRegistry) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(string name, string baseURL) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackConstructor(name string, baseURL string) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("", name, baseURL)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackADMIT is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc7238eb6.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ADMIT() view returns(uint8)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackADMIT() []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("ADMIT")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackADMIT is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xc7238eb6.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function ADMIT() view returns(uint8)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackADMIT() ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("ADMIT")
}

// UnpackADMIT is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xc7238eb6.
//
// Solidity: function ADMIT() view returns(uint8)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackADMIT(data []byte) (uint8, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("ADMIT", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackREMOVE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x36f656a1.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function REMOVE() view returns(uint8)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackREMOVE() []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("REMOVE")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackREMOVE is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x36f656a1.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function REMOVE() view returns(uint8)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackREMOVE() ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("REMOVE")
}

// UnpackREMOVE is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x36f656a1.
//
// Solidity: function REMOVE() view returns(uint8)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackREMOVE(data []byte) (uint8, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("REMOVE", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackActiveMemberCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5fb6c6ed.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function activeMemberCount() view returns(uint256)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackActiveMemberCount() []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("activeMemberCount")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackActiveMemberCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x5fb6c6ed.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function activeMemberCount() view returns(uint256)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackActiveMemberCount() ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("activeMemberCount")
}

// UnpackActiveMemberCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x5fb6c6ed.
//
// Solidity: function activeMemberCount() view returns(uint256)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackActiveMemberCount(data []byte) (*big.Int, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("activeMemberCount", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackAnchorBatch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x45ede1b9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function anchorBatch(bytes32[] listIds, uint64[] versions, bytes32[] digests, bytes32 root, uint64 treeSize) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackAnchorBatch(listIds [][32]byte, versions []uint64, digests [][32]byte, root [32]byte, treeSize uint64) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("anchorBatch", listIds, versions, digests, root, treeSize)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAnchorBatch is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x45ede1b9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function anchorBatch(bytes32[] listIds, uint64[] versions, bytes32[] digests, bytes32 root, uint64 treeSize) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackAnchorBatch(listIds [][32]byte, versions []uint64, digests [][32]byte, root [32]byte, treeSize uint64) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("anchorBatch", listIds, versions, digests, root, treeSize)
}

// PackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb759f954.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function approve(uint256 id) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackApprove(id *big.Int) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("approve", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb759f954.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function approve(uint256 id) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackApprove(id *big.Int) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("approve", id)
}

// PackDeployedBlock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x82ea7bfe.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function deployedBlock() view returns(uint64)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackDeployedBlock() []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("deployedBlock")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDeployedBlock is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x82ea7bfe.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function deployedBlock() view returns(uint64)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackDeployedBlock() ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("deployedBlock")
}

// UnpackDeployedBlock is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x82ea7bfe.
//
// Solidity: function deployedBlock() view returns(uint64)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackDeployedBlock(data []byte) (uint64, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("deployedBlock", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackIssuer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xaf96bd6b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function issuer(bytes32 didHash) view returns(address member_, bytes32[] keyFingerprints, bytes32 allowedTypesHash, bool active, uint64 updatedBlock)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackIssuer(didHash [32]byte) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("issuer", didHash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIssuer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xaf96bd6b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function issuer(bytes32 didHash) view returns(address member_, bytes32[] keyFingerprints, bytes32 allowedTypesHash, bool active, uint64 updatedBlock)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackIssuer(didHash [32]byte) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("issuer", didHash)
}

// IssuerOutput serves as a container for the return parameters of contract
// method Issuer.
type IssuerOutput struct {
	Member           common.Address
	KeyFingerprints  [][32]byte
	AllowedTypesHash [32]byte
	Active           bool
	UpdatedBlock     uint64
}

// UnpackIssuer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xaf96bd6b.
//
// Solidity: function issuer(bytes32 didHash) view returns(address member_, bytes32[] keyFingerprints, bytes32 allowedTypesHash, bool active, uint64 updatedBlock)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackIssuer(data []byte) (IssuerOutput, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("issuer", data)
	outstruct := new(IssuerOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Member = *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	outstruct.KeyFingerprints = *abi.ConvertType(out[1], new([][32]byte)).(*[][32]byte)
	outstruct.AllowedTypesHash = *abi.ConvertType(out[2], new([32]byte)).(*[32]byte)
	outstruct.Active = *abi.ConvertType(out[3], new(bool)).(*bool)
	outstruct.UpdatedBlock = *abi.ConvertType(out[4], new(uint64)).(*uint64)
	return *outstruct, nil
}

// PackLatestLogRoot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2b0e7fd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function latestLogRoot(address member_) view returns(uint64 treeSize, bytes32 root, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackLatestLogRoot(member common.Address) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("latestLogRoot", member)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLatestLogRoot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf2b0e7fd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function latestLogRoot(address member_) view returns(uint64 treeSize, bytes32 root, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackLatestLogRoot(member common.Address) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("latestLogRoot", member)
}

// LatestLogRootOutput serves as a container for the return parameters of contract
// method LatestLogRoot.
type LatestLogRootOutput struct {
	TreeSize    uint64
	Root        [32]byte
	BlockNumber uint64
	Timestamp   uint64
}

// UnpackLatestLogRoot is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf2b0e7fd.
//
// Solidity: function latestLogRoot(address member_) view returns(uint64 treeSize, bytes32 root, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackLatestLogRoot(data []byte) (LatestLogRootOutput, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("latestLogRoot", data)
	outstruct := new(LatestLogRootOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.TreeSize = *abi.ConvertType(out[0], new(uint64)).(*uint64)
	outstruct.Root = *abi.ConvertType(out[1], new([32]byte)).(*[32]byte)
	outstruct.BlockNumber = *abi.ConvertType(out[2], new(uint64)).(*uint64)
	outstruct.Timestamp = *abi.ConvertType(out[3], new(uint64)).(*uint64)
	return *outstruct, nil
}

// PackLatestStatusVersion is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x65b470a5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function latestStatusVersion(address member_, bytes32 listId) view returns(uint64 version, bytes32 digest, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackLatestStatusVersion(member common.Address, listId [32]byte) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("latestStatusVersion", member, listId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLatestStatusVersion is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x65b470a5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function latestStatusVersion(address member_, bytes32 listId) view returns(uint64 version, bytes32 digest, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackLatestStatusVersion(member common.Address, listId [32]byte) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("latestStatusVersion", member, listId)
}

// LatestStatusVersionOutput serves as a container for the return parameters of contract
// method LatestStatusVersion.
type LatestStatusVersionOutput struct {
	Version     uint64
	Digest      [32]byte
	BlockNumber uint64
	Timestamp   uint64
}

// UnpackLatestStatusVersion is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x65b470a5.
//
// Solidity: function latestStatusVersion(address member_, bytes32 listId) view returns(uint64 version, bytes32 digest, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackLatestStatusVersion(data []byte) (LatestStatusVersionOutput, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("latestStatusVersion", data)
	outstruct := new(LatestStatusVersionOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Version = *abi.ConvertType(out[0], new(uint64)).(*uint64)
	outstruct.Digest = *abi.ConvertType(out[1], new([32]byte)).(*[32]byte)
	outstruct.BlockNumber = *abi.ConvertType(out[2], new(uint64)).(*uint64)
	outstruct.Timestamp = *abi.ConvertType(out[3], new(uint64)).(*uint64)
	return *outstruct, nil
}

// PackLogRoot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4628ab3b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function logRoot(address member_, uint64 treeSize) view returns(bytes32 root, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackLogRoot(member common.Address, treeSize uint64) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("logRoot", member, treeSize)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLogRoot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4628ab3b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function logRoot(address member_, uint64 treeSize) view returns(bytes32 root, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackLogRoot(member common.Address, treeSize uint64) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("logRoot", member, treeSize)
}

// LogRootOutput serves as a container for the return parameters of contract
// method LogRoot.
type LogRootOutput struct {
	Root        [32]byte
	BlockNumber uint64
	Timestamp   uint64
}

// UnpackLogRoot is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x4628ab3b.
//
// Solidity: function logRoot(address member_, uint64 treeSize) view returns(bytes32 root, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackLogRoot(data []byte) (LogRootOutput, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("logRoot", data)
	outstruct := new(LogRootOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Root = *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	outstruct.BlockNumber = *abi.ConvertType(out[1], new(uint64)).(*uint64)
	outstruct.Timestamp = *abi.ConvertType(out[2], new(uint64)).(*uint64)
	return *outstruct, nil
}

// PackMember is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe7d4539e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function member(address account) view returns(string name, string baseURL, bool active, uint64 admittedBlock, uint64 removedBlock)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackMember(account common.Address) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("member", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMember is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe7d4539e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function member(address account) view returns(string name, string baseURL, bool active, uint64 admittedBlock, uint64 removedBlock)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackMember(account common.Address) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("member", account)
}

// MemberOutput serves as a container for the return parameters of contract
// method Member.
type MemberOutput struct {
	Name          string
	BaseURL       string
	Active        bool
	AdmittedBlock uint64
	RemovedBlock  uint64
}

// UnpackMember is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe7d4539e.
//
// Solidity: function member(address account) view returns(string name, string baseURL, bool active, uint64 admittedBlock, uint64 removedBlock)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackMember(data []byte) (MemberOutput, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("member", data)
	outstruct := new(MemberOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Name = *abi.ConvertType(out[0], new(string)).(*string)
	outstruct.BaseURL = *abi.ConvertType(out[1], new(string)).(*string)
	outstruct.Active = *abi.ConvertType(out[2], new(bool)).(*bool)
	outstruct.AdmittedBlock = *abi.ConvertType(out[3], new(uint64)).(*uint64)
	outstruct.RemovedBlock = *abi.ConvertType(out[4], new(uint64)).(*uint64)
	return *outstruct, nil
}

// PackMemberAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xac0250f7.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function memberAt(uint256 i) view returns(address)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackMemberAt(i *big.Int) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("memberAt", i)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMemberAt is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xac0250f7.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function memberAt(uint256 i) view returns(address)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackMemberAt(i *big.Int) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("memberAt", i)
}

// UnpackMemberAt is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xac0250f7.
//
// Solidity: function memberAt(uint256 i) view returns(address)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackMemberAt(data []byte) (common.Address, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("memberAt", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackMemberCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x11aee380.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function memberCount() view returns(uint256)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackMemberCount() []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("memberCount")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMemberCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x11aee380.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function memberCount() view returns(uint256)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackMemberCount() ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("memberCount")
}

// UnpackMemberCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x11aee380.
//
// Solidity: function memberCount() view returns(uint256)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackMemberCount(data []byte) (*big.Int, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("memberCount", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackProposal is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x30326c17.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposal(uint256 id) view returns((uint8,bool,uint64,address,address,string,string,address[]))
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackProposal(id *big.Int) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("proposal", id)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposal is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x30326c17.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposal(uint256 id) view returns((uint8,bool,uint64,address,address,string,string,address[]))
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackProposal(id *big.Int) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("proposal", id)
}

// UnpackProposal is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x30326c17.
//
// Solidity: function proposal(uint256 id) view returns((uint8,bool,uint64,address,address,string,string,address[]))
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackProposal(data []byte) (CitizenCredentialRegistryProposal, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("proposal", data)
	if err != nil {
		return *new(CitizenCredentialRegistryProposal), err
	}
	out0 := *abi.ConvertType(out[0], new(CitizenCredentialRegistryProposal)).(*CitizenCredentialRegistryProposal)
	return out0, nil
}

// PackProposalCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xda35c664.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposalCount() view returns(uint256)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackProposalCount() []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("proposalCount")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposalCount is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xda35c664.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposalCount() view returns(uint256)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackProposalCount() ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("proposalCount")
}

// UnpackProposalCount is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xda35c664.
//
// Solidity: function proposalCount() view returns(uint256)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackProposalCount(data []byte) (*big.Int, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("proposalCount", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackProposeAdmission is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x63405180.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposeAdmission(address account, string name, string baseURL) returns(uint256 id)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackProposeAdmission(account common.Address, name string, baseURL string) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("proposeAdmission", account, name, baseURL)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposeAdmission is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x63405180.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposeAdmission(address account, string name, string baseURL) returns(uint256 id)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackProposeAdmission(account common.Address, name string, baseURL string) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("proposeAdmission", account, name, baseURL)
}

// UnpackProposeAdmission is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x63405180.
//
// Solidity: function proposeAdmission(address account, string name, string baseURL) returns(uint256 id)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackProposeAdmission(data []byte) (*big.Int, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("proposeAdmission", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackProposeRemoval is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01f7c6e3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function proposeRemoval(address account) returns(uint256 id)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackProposeRemoval(account common.Address) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("proposeRemoval", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackProposeRemoval is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x01f7c6e3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function proposeRemoval(address account) returns(uint256 id)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackProposeRemoval(account common.Address) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("proposeRemoval", account)
}

// UnpackProposeRemoval is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x01f7c6e3.
//
// Solidity: function proposeRemoval(address account) returns(uint256 id)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackProposeRemoval(data []byte) (*big.Int, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("proposeRemoval", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackRegistryVersion is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0f9be51c.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function registryVersion() pure returns(uint256)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackRegistryVersion() []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("registryVersion")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRegistryVersion is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x0f9be51c.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function registryVersion() pure returns(uint256)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackRegistryVersion() ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("registryVersion")
}

// UnpackRegistryVersion is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x0f9be51c.
//
// Solidity: function registryVersion() pure returns(uint256)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackRegistryVersion(data []byte) (*big.Int, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("registryVersion", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackSetIssuer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4ce14402.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setIssuer(bytes32 didHash, bytes32[] keyFingerprints, bytes32 allowedTypesHash, bool active) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackSetIssuer(didHash [32]byte, keyFingerprints [][32]byte, allowedTypesHash [32]byte, active bool) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("setIssuer", didHash, keyFingerprints, allowedTypesHash, active)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetIssuer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x4ce14402.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setIssuer(bytes32 didHash, bytes32[] keyFingerprints, bytes32 allowedTypesHash, bool active) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackSetIssuer(didHash [32]byte, keyFingerprints [][32]byte, allowedTypesHash [32]byte, active bool) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("setIssuer", didHash, keyFingerprints, allowedTypesHash, active)
}

// PackStatusAnchor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3d84e63d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function statusAnchor(address member_, bytes32 listId, uint64 version) view returns(bytes32 digest, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackStatusAnchor(member common.Address, listId [32]byte, version uint64) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("statusAnchor", member, listId, version)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStatusAnchor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x3d84e63d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function statusAnchor(address member_, bytes32 listId, uint64 version) view returns(bytes32 digest, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackStatusAnchor(member common.Address, listId [32]byte, version uint64) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("statusAnchor", member, listId, version)
}

// StatusAnchorOutput serves as a container for the return parameters of contract
// method StatusAnchor.
type StatusAnchorOutput struct {
	Digest      [32]byte
	BlockNumber uint64
	Timestamp   uint64
}

// UnpackStatusAnchor is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x3d84e63d.
//
// Solidity: function statusAnchor(address member_, bytes32 listId, uint64 version) view returns(bytes32 digest, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackStatusAnchor(data []byte) (StatusAnchorOutput, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("statusAnchor", data)
	outstruct := new(StatusAnchorOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Digest = *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	outstruct.BlockNumber = *abi.ConvertType(out[1], new(uint64)).(*uint64)
	outstruct.Timestamp = *abi.ConvertType(out[2], new(uint64)).(*uint64)
	return *outstruct, nil
}

// PackUpdateMember is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9bf04bae.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function updateMember(string name, string baseURL) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackUpdateMember(name string, baseURL string) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("updateMember", name, baseURL)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackUpdateMember is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x9bf04bae.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function updateMember(string name, string baseURL) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackUpdateMember(name string, baseURL string) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("updateMember", name, baseURL)
}

// CitizenCredentialRegistryIssuerSet represents a IssuerSet event raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryIssuerSet struct {
	Member           common.Address
	DidHash          [32]byte
	KeyFingerprints  [][32]byte
	AllowedTypesHash [32]byte
	Active           bool
	Raw              *types.Log // Blockchain specific contextual infos
}

const CitizenCredentialRegistryIssuerSetEventName = "IssuerSet"

// ContractEventName returns the user-defined event name.
func (CitizenCredentialRegistryIssuerSet) ContractEventName() string {
	return CitizenCredentialRegistryIssuerSetEventName
}

// UnpackIssuerSetEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event IssuerSet(address indexed member, bytes32 indexed didHash, bytes32[] keyFingerprints, bytes32 allowedTypesHash, bool active)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackIssuerSetEvent(log *types.Log) (*CitizenCredentialRegistryIssuerSet, error) {
	event := "IssuerSet"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != citizenCredentialRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CitizenCredentialRegistryIssuerSet)
	if len(log.Data) > 0 {
		if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range citizenCredentialRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CitizenCredentialRegistryLogRootAnchored represents a LogRootAnchored event raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryLogRootAnchored struct {
	Member   common.Address
	TreeSize uint64
	Root     [32]byte
	Raw      *types.Log // Blockchain specific contextual infos
}

const CitizenCredentialRegistryLogRootAnchoredEventName = "LogRootAnchored"

// ContractEventName returns the user-defined event name.
func (CitizenCredentialRegistryLogRootAnchored) ContractEventName() string {
	return CitizenCredentialRegistryLogRootAnchoredEventName
}

// UnpackLogRootAnchoredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event LogRootAnchored(address indexed member, uint64 indexed treeSize, bytes32 root)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackLogRootAnchoredEvent(log *types.Log) (*CitizenCredentialRegistryLogRootAnchored, error) {
	event := "LogRootAnchored"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != citizenCredentialRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CitizenCredentialRegistryLogRootAnchored)
	if len(log.Data) > 0 {
		if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range citizenCredentialRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CitizenCredentialRegistryMemberAdmitted represents a MemberAdmitted event raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryMemberAdmitted struct {
	Account    common.Address
	Name       string
	BaseURL    string
	ProposalId *big.Int
	Raw        *types.Log // Blockchain specific contextual infos
}

const CitizenCredentialRegistryMemberAdmittedEventName = "MemberAdmitted"

// ContractEventName returns the user-defined event name.
func (CitizenCredentialRegistryMemberAdmitted) ContractEventName() string {
	return CitizenCredentialRegistryMemberAdmittedEventName
}

// UnpackMemberAdmittedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event MemberAdmitted(address indexed account, string name, string baseURL, uint256 indexed proposalId)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackMemberAdmittedEvent(log *types.Log) (*CitizenCredentialRegistryMemberAdmitted, error) {
	event := "MemberAdmitted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != citizenCredentialRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CitizenCredentialRegistryMemberAdmitted)
	if len(log.Data) > 0 {
		if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range citizenCredentialRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CitizenCredentialRegistryMemberRemoved represents a MemberRemoved event raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryMemberRemoved struct {
	Account    common.Address
	ProposalId *big.Int
	Raw        *types.Log // Blockchain specific contextual infos
}

const CitizenCredentialRegistryMemberRemovedEventName = "MemberRemoved"

// ContractEventName returns the user-defined event name.
func (CitizenCredentialRegistryMemberRemoved) ContractEventName() string {
	return CitizenCredentialRegistryMemberRemovedEventName
}

// UnpackMemberRemovedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event MemberRemoved(address indexed account, uint256 indexed proposalId)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackMemberRemovedEvent(log *types.Log) (*CitizenCredentialRegistryMemberRemoved, error) {
	event := "MemberRemoved"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != citizenCredentialRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CitizenCredentialRegistryMemberRemoved)
	if len(log.Data) > 0 {
		if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range citizenCredentialRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CitizenCredentialRegistryMemberUpdated represents a MemberUpdated event raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryMemberUpdated struct {
	Account common.Address
	Name    string
	BaseURL string
	Raw     *types.Log // Blockchain specific contextual infos
}

const CitizenCredentialRegistryMemberUpdatedEventName = "MemberUpdated"

// ContractEventName returns the user-defined event name.
func (CitizenCredentialRegistryMemberUpdated) ContractEventName() string {
	return CitizenCredentialRegistryMemberUpdatedEventName
}

// UnpackMemberUpdatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event MemberUpdated(address indexed account, string name, string baseURL)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackMemberUpdatedEvent(log *types.Log) (*CitizenCredentialRegistryMemberUpdated, error) {
	event := "MemberUpdated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != citizenCredentialRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CitizenCredentialRegistryMemberUpdated)
	if len(log.Data) > 0 {
		if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range citizenCredentialRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CitizenCredentialRegistryProposalApproved represents a ProposalApproved event raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryProposalApproved struct {
	Id        *big.Int
	Member    common.Address
	Approvals *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const CitizenCredentialRegistryProposalApprovedEventName = "ProposalApproved"

// ContractEventName returns the user-defined event name.
func (CitizenCredentialRegistryProposalApproved) ContractEventName() string {
	return CitizenCredentialRegistryProposalApprovedEventName
}

// UnpackProposalApprovedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProposalApproved(uint256 indexed id, address indexed member, uint256 approvals)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackProposalApprovedEvent(log *types.Log) (*CitizenCredentialRegistryProposalApproved, error) {
	event := "ProposalApproved"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != citizenCredentialRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CitizenCredentialRegistryProposalApproved)
	if len(log.Data) > 0 {
		if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range citizenCredentialRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CitizenCredentialRegistryProposalCreated represents a ProposalCreated event raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryProposalCreated struct {
	Id       *big.Int
	Kind     uint8
	Account  common.Address
	Proposer common.Address
	Raw      *types.Log // Blockchain specific contextual infos
}

const CitizenCredentialRegistryProposalCreatedEventName = "ProposalCreated"

// ContractEventName returns the user-defined event name.
func (CitizenCredentialRegistryProposalCreated) ContractEventName() string {
	return CitizenCredentialRegistryProposalCreatedEventName
}

// UnpackProposalCreatedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProposalCreated(uint256 indexed id, uint8 kind, address indexed account, address indexed proposer)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackProposalCreatedEvent(log *types.Log) (*CitizenCredentialRegistryProposalCreated, error) {
	event := "ProposalCreated"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != citizenCredentialRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CitizenCredentialRegistryProposalCreated)
	if len(log.Data) > 0 {
		if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range citizenCredentialRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CitizenCredentialRegistryProposalExecuted represents a ProposalExecuted event raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryProposalExecuted struct {
	Id      *big.Int
	Kind    uint8
	Account common.Address
	Raw     *types.Log // Blockchain specific contextual infos
}

const CitizenCredentialRegistryProposalExecutedEventName = "ProposalExecuted"

// ContractEventName returns the user-defined event name.
func (CitizenCredentialRegistryProposalExecuted) ContractEventName() string {
	return CitizenCredentialRegistryProposalExecutedEventName
}

// UnpackProposalExecutedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ProposalExecuted(uint256 indexed id, uint8 kind, address indexed account)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackProposalExecutedEvent(log *types.Log) (*CitizenCredentialRegistryProposalExecuted, error) {
	event := "ProposalExecuted"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != citizenCredentialRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CitizenCredentialRegistryProposalExecuted)
	if len(log.Data) > 0 {
		if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range citizenCredentialRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// CitizenCredentialRegistryStatusListAnchored represents a StatusListAnchored event raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryStatusListAnchored struct {
	Member  common.Address
	ListId  [32]byte
	Version uint64
	Digest  [32]byte
	Raw     *types.Log // Blockchain specific contextual infos
}

const CitizenCredentialRegistryStatusListAnchoredEventName = "StatusListAnchored"

// ContractEventName returns the user-defined event name.
func (CitizenCredentialRegistryStatusListAnchored) ContractEventName() string {
	return CitizenCredentialRegistryStatusListAnchoredEventName
}

// UnpackStatusListAnchoredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event StatusListAnchored(address indexed member, bytes32 indexed listId, uint64 version, bytes32 digest)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackStatusListAnchoredEvent(log *types.Log) (*CitizenCredentialRegistryStatusListAnchored, error) {
	event := "StatusListAnchored"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != citizenCredentialRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CitizenCredentialRegistryStatusListAnchored)
	if len(log.Data) > 0 {
		if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range citizenCredentialRegistry.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["AlreadyApproved"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackAlreadyApprovedError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["AlreadyExecuted"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackAlreadyExecutedError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["AlreadyMember"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackAlreadyMemberError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["LastMember"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackLastMemberError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["LengthMismatch"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackLengthMismatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["LogRootConflict"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackLogRootConflictError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["NoSuchMember"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackNoSuchMemberError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["NotIssuerOwner"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackNotIssuerOwnerError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["NotMember"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackNotMemberError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["StatusListConflict"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackStatusListConflictError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["UnknownProposal"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackUnknownProposalError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["ZeroDigest"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackZeroDigestError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// CitizenCredentialRegistryAlreadyApproved represents a AlreadyApproved error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryAlreadyApproved struct {
	Id     *big.Int
	Member common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AlreadyApproved(uint256 id, address member)
func CitizenCredentialRegistryAlreadyApprovedErrorID() common.Hash {
	return common.HexToHash("0x094775b03efa52a45bf83faac2b429fb980e1c159962ef1f9613b81855177c54")
}

// UnpackAlreadyApprovedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AlreadyApproved(uint256 id, address member)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackAlreadyApprovedError(raw []byte) (*CitizenCredentialRegistryAlreadyApproved, error) {
	out := new(CitizenCredentialRegistryAlreadyApproved)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "AlreadyApproved", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryAlreadyExecuted represents a AlreadyExecuted error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryAlreadyExecuted struct {
	Id *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AlreadyExecuted(uint256 id)
func CitizenCredentialRegistryAlreadyExecutedErrorID() common.Hash {
	return common.HexToHash("0x6a64e96196958c70761af5d672b067e0b1158a0e5e6c46002b6a3d89bed298a7")
}

// UnpackAlreadyExecutedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AlreadyExecuted(uint256 id)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackAlreadyExecutedError(raw []byte) (*CitizenCredentialRegistryAlreadyExecuted, error) {
	out := new(CitizenCredentialRegistryAlreadyExecuted)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "AlreadyExecuted", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryAlreadyMember represents a AlreadyMember error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryAlreadyMember struct {
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AlreadyMember(address account)
func CitizenCredentialRegistryAlreadyMemberErrorID() common.Hash {
	return common.HexToHash("0x0268f929b8e50dc801123bfb8b2a006b6c79575dd280e7d47371697a09340962")
}

// UnpackAlreadyMemberError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AlreadyMember(address account)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackAlreadyMemberError(raw []byte) (*CitizenCredentialRegistryAlreadyMember, error) {
	out := new(CitizenCredentialRegistryAlreadyMember)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "AlreadyMember", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryLastMember represents a LastMember error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryLastMember struct {
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error LastMember(address account)
func CitizenCredentialRegistryLastMemberErrorID() common.Hash {
	return common.HexToHash("0xe1888b348d6775dd62d6a0e286c250cc85c3e63470bdf93c36cba69b6219bd77")
}

// UnpackLastMemberError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error LastMember(address account)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackLastMemberError(raw []byte) (*CitizenCredentialRegistryLastMember, error) {
	out := new(CitizenCredentialRegistryLastMember)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "LastMember", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryLengthMismatch represents a LengthMismatch error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryLengthMismatch struct {
	ListIds  *big.Int
	Versions *big.Int
	Digests  *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error LengthMismatch(uint256 listIds, uint256 versions, uint256 digests)
func CitizenCredentialRegistryLengthMismatchErrorID() common.Hash {
	return common.HexToHash("0x8ee979f5a38369de55d403e905578ce8be28a150144e1bb7c08798d7c078539f")
}

// UnpackLengthMismatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error LengthMismatch(uint256 listIds, uint256 versions, uint256 digests)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackLengthMismatchError(raw []byte) (*CitizenCredentialRegistryLengthMismatch, error) {
	out := new(CitizenCredentialRegistryLengthMismatch)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "LengthMismatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryLogRootConflict represents a LogRootConflict error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryLogRootConflict struct {
	Member   common.Address
	TreeSize uint64
	Anchored [32]byte
	Sent     [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error LogRootConflict(address member, uint64 treeSize, bytes32 anchored, bytes32 sent)
func CitizenCredentialRegistryLogRootConflictErrorID() common.Hash {
	return common.HexToHash("0x4eb7f99bdf0e7907dd772664a542cf27cb5ac7c7c6b7383b711f0fc213499ecd")
}

// UnpackLogRootConflictError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error LogRootConflict(address member, uint64 treeSize, bytes32 anchored, bytes32 sent)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackLogRootConflictError(raw []byte) (*CitizenCredentialRegistryLogRootConflict, error) {
	out := new(CitizenCredentialRegistryLogRootConflict)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "LogRootConflict", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryNoSuchMember represents a NoSuchMember error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryNoSuchMember struct {
	Account common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NoSuchMember(address account)
func CitizenCredentialRegistryNoSuchMemberErrorID() common.Hash {
	return common.HexToHash("0x20c687951c95d3c38713f6c7173c16c27c361a7344445c2bba722c48dc120575")
}

// UnpackNoSuchMemberError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NoSuchMember(address account)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackNoSuchMemberError(raw []byte) (*CitizenCredentialRegistryNoSuchMember, error) {
	out := new(CitizenCredentialRegistryNoSuchMember)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "NoSuchMember", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryNotIssuerOwner represents a NotIssuerOwner error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryNotIssuerOwner struct {
	DidHash [32]byte
	Owner   common.Address
	Caller  common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotIssuerOwner(bytes32 didHash, address owner, address caller)
func CitizenCredentialRegistryNotIssuerOwnerErrorID() common.Hash {
	return common.HexToHash("0xf80f513e3744ea40211bd34140da28ccd0af6e1569e19850ae82e79ec2633b9a")
}

// UnpackNotIssuerOwnerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotIssuerOwner(bytes32 didHash, address owner, address caller)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackNotIssuerOwnerError(raw []byte) (*CitizenCredentialRegistryNotIssuerOwner, error) {
	out := new(CitizenCredentialRegistryNotIssuerOwner)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "NotIssuerOwner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryNotMember represents a NotMember error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryNotMember struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotMember(address caller)
func CitizenCredentialRegistryNotMemberErrorID() common.Hash {
	return common.HexToHash("0x16d6142c051fd31eaf080eccdc319a6d11b659baa2266c1e4d7e444bd19c4a32")
}

// UnpackNotMemberError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotMember(address caller)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackNotMemberError(raw []byte) (*CitizenCredentialRegistryNotMember, error) {
	out := new(CitizenCredentialRegistryNotMember)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "NotMember", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryStatusListConflict represents a StatusListConflict error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryStatusListConflict struct {
	Member   common.Address
	ListId   [32]byte
	Version  uint64
	Anchored [32]byte
	Sent     [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StatusListConflict(address member, bytes32 listId, uint64 version, bytes32 anchored, bytes32 sent)
func CitizenCredentialRegistryStatusListConflictErrorID() common.Hash {
	return common.HexToHash("0x3eab4265be456559b8ec7d2a55bb46f1c6abf0f058c02667d007d7b2b588906e")
}

// UnpackStatusListConflictError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StatusListConflict(address member, bytes32 listId, uint64 version, bytes32 anchored, bytes32 sent)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackStatusListConflictError(raw []byte) (*CitizenCredentialRegistryStatusListConflict, error) {
	out := new(CitizenCredentialRegistryStatusListConflict)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "StatusListConflict", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryUnknownProposal represents a UnknownProposal error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryUnknownProposal struct {
	Id *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnknownProposal(uint256 id)
func CitizenCredentialRegistryUnknownProposalErrorID() common.Hash {
	return common.HexToHash("0x28e0cf5a770b9ab4da594ebd0cf7af68f08abd0573138e8389260fc0eb761d74")
}

// UnpackUnknownProposalError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnknownProposal(uint256 id)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackUnknownProposalError(raw []byte) (*CitizenCredentialRegistryUnknownProposal, error) {
	out := new(CitizenCredentialRegistryUnknownProposal)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "UnknownProposal", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryZeroAddress represents a ZeroAddress error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func CitizenCredentialRegistryZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackZeroAddressError(raw []byte) (*CitizenCredentialRegistryZeroAddress, error) {
	out := new(CitizenCredentialRegistryZeroAddress)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryZeroDigest represents a ZeroDigest error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryZeroDigest struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroDigest()
func CitizenCredentialRegistryZeroDigestErrorID() common.Hash {
	return common.HexToHash("0x506f3a1b346eda52e581752dd72ca5fc50463f2e4eb5db65f0e0390bcb3ada11")
}

// UnpackZeroDigestError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroDigest()
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackZeroDigestError(raw []byte) (*CitizenCredentialRegistryZeroDigest, error) {
	out := new(CitizenCredentialRegistryZeroDigest)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "ZeroDigest", raw); err != nil {
		return nil, err
	}
	return out, nil
}
