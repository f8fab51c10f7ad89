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

// CitizenCredentialRegistryMetaData contains all meta data concerning the CitizenCredentialRegistry contract.
var CitizenCredentialRegistryMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"listIds\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"versions\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"digests\",\"type\":\"uint256\"}],\"name\":\"LengthMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"treeSize\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"anchored\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sent\",\"type\":\"bytes32\"}],\"name\":\"LogRootConflict\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotAdmin\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotAnchorer\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"listId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"anchored\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"sent\",\"type\":\"bytes32\"}],\"name\":\"StatusListConflict\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroDigest\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroTreeSize\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"previousAdmin\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"newAdmin\",\"type\":\"address\"}],\"name\":\"AdminTransferred\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"anchorer\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"allowed\",\"type\":\"bool\"}],\"name\":\"AnchorerSet\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"didHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32[]\",\"name\":\"keyFingerprints\",\"type\":\"bytes32[]\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"allowedTypesHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"active\",\"type\":\"bool\"}],\"name\":\"IssuerSet\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"treeSize\",\"type\":\"uint64\"}],\"name\":\"LogRootAnchored\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"listId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"digest\",\"type\":\"bytes32\"}],\"name\":\"StatusListAnchored\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"admin\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"listIds\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint64[]\",\"name\":\"versions\",\"type\":\"uint64[]\"},{\"internalType\":\"bytes32[]\",\"name\":\"digests\",\"type\":\"bytes32[]\"},{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"treeSize\",\"type\":\"uint64\"}],\"name\":\"anchorBatch\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"treeSize\",\"type\":\"uint64\"}],\"name\":\"anchorLogRoot\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"listIds\",\"type\":\"bytes32[]\"},{\"internalType\":\"uint64[]\",\"name\":\"versions\",\"type\":\"uint64[]\"},{\"internalType\":\"bytes32[]\",\"name\":\"digests\",\"type\":\"bytes32[]\"}],\"name\":\"anchorStatusLists\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"isAnchorer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"didHash\",\"type\":\"bytes32\"}],\"name\":\"issuer\",\"outputs\":[{\"internalType\":\"bytes32[]\",\"name\":\"keyFingerprints\",\"type\":\"bytes32[]\"},{\"internalType\":\"bytes32\",\"name\":\"allowedTypesHash\",\"type\":\"bytes32\"},{\"internalType\":\"bool\",\"name\":\"active\",\"type\":\"bool\"},{\"internalType\":\"uint64\",\"name\":\"updatedBlock\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"treeSize\",\"type\":\"uint64\"}],\"name\":\"logRoot\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"root\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"blockNumber\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"timestamp\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"anchorer\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"allowed\",\"type\":\"bool\"}],\"name\":\"setAnchorer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"didHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32[]\",\"name\":\"keyFingerprints\",\"type\":\"bytes32[]\"},{\"internalType\":\"bytes32\",\"name\":\"allowedTypesHash\",\"type\":\"bytes32\"},{\"internalType\":\"bool\",\"name\":\"active\",\"type\":\"bool\"}],\"name\":\"setIssuer\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"listId\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"version\",\"type\":\"uint64\"}],\"name\":\"statusAnchor\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"digest\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"blockNumber\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"timestamp\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"newAdmin\",\"type\":\"address\"}],\"name\":\"transferAdmin\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "CitizenCredentialRegistry",
	Bin: "0x6080604052348015600e575f5ffd5b505f80546001600160a01b0319163390811782556040519091907ff8ccb027dfcd135e000e9d45e6cc2d662578a8825d4c45b5e32e0adf67e79ec6908290a3610dd48061005a5f395ff3fe608060405234801561000f575f5ffd5b50600436106100a6575f3560e01c80636d58296d1161006e5780636d58296d1461016f57806375829def146101b15780638eaaf6e3146101c4578063af96bd6b146101f6578063ec8fbb3f14610219578063f851a4401461022c575f5ffd5b806309b7c48e146100aa5780631d0f6924146100bf5780632034f932146100d257806345ede1b9146101495780634ce144021461015c575b5f5ffd5b6100bd6100b83660046109e0565b610256565b005b6100bd6100cd366004610a97565b6102ba565b61011f6100e0366004610a97565b5f8281526003602090815260408083206001600160401b03808616855292529091208054600190910154909181811691600160401b9004169250925092565b604080519384526001600160401b0392831660208501529116908201526060015b60405180910390f35b6100bd610157366004610ac1565b61033a565b6100bd61016a366004610b84565b6103b4565b61011f61017d366004610be5565b6001600160401b039081165f9081526004602052604090208054600190910154909281831692600160401b90920490911690565b6100bd6101bf366004610c1b565b61047c565b6101e66101d2366004610c1b565b60016020525f908152604090205460ff1681565b6040519015158152602001610140565b610209610204366004610c34565b610528565b6040516101409493929190610c4b565b6100bd610227366004610cac565b6105b9565b5f5461023e906001600160a01b031681565b6040516001600160a01b039091168152602001610140565b5f546001600160a01b0316331480159061027f5750335f9081526001602052604090205460ff16155b156102a457604051630e5e5f6f60e01b81523360048201526024015b60405180910390fd5b6102b286868686868661066a565b505050505050565b5f546001600160a01b031633148015906102e35750335f9081526001602052604090205460ff16155b1561030357604051630e5e5f6f60e01b815233600482015260240161029b565b806001600160401b03165f0361032c57604051634bf8fdf160e01b815260040160405180910390fd5b61033682826108ab565b5050565b5f546001600160a01b031633148015906103635750335f9081526001602052604090205460ff16155b1561038357604051630e5e5f6f60e01b815233600482015260240161029b565b61039188888888888861066a565b6001600160401b038116156103aa576103aa82826108ab565b5050505050505050565b5f546001600160a01b031633146103e057604051630bd4212160e11b815233600482015260240161029b565b5f858152600260205260409020806103f9858783610ce8565b506001810183905560028101805468ffffffffffffffffff191683151568ffffffffffffffff00191617610100436001600160401b03160217905560405186907f878c3e8cb742fba00f56c76427ba2bcf8ce1917f485cbd72b75d53791516612f9061046c908890889088908890610d6f565b60405180910390a2505050505050565b5f546001600160a01b031633146104a857604051630bd4212160e11b815233600482015260240161029b565b6001600160a01b0381166104cf5760405163d92e233d60e01b815260040160405180910390fd5b5f80546040516001600160a01b03808516939216917ff8ccb027dfcd135e000e9d45e6cc2d662578a8825d4c45b5e32e0adf67e79ec691a35f80546001600160a01b0319166001600160a01b0392909216919091179055565b5f818152600260208181526040808420600181015493810154815483518186028101860190945280845260609695869586958594929360ff84169361010090046001600160401b0316928691908301828280156105a257602002820191905f5260205f20905b81548152602001906001019080831161058e575b505050505093509450945094509450509193509193565b5f546001600160a01b031633146105e557604051630bd4212160e11b815233600482015260240161029b565b6001600160a01b03821661060c5760405163d92e233d60e01b815260040160405180910390fd5b6001600160a01b0382165f81815260016020908152604091829020805460ff191685151590811790915591519182527f58194d465adc081c8ca38a8a3c3d6bb6fca0bad31216f20c504878408f1ef6c9910160405180910390a25050565b84838114158061067a5750818114155b156106a957604051638ee979f560e01b815260048101829052602481018590526044810183905260640161029b565b5f5b818110156103aa575f8484838181106106c6576106c6610db3565b602002919091013591508190506106f05760405163506f3a1b60e01b815260040160405180910390fd5b5f60035f8b8b8681811061070657610706610db3565b9050602002013581526020019081526020015f205f89898681811061072d5761072d610db3565b90506020020160208101906107429190610be5565b6001600160401b0316815260208101919091526040015f20805490915082810361076e575050506108a3565b80156107ed578a8a8581811061078657610786610db3565b9050602002013589898681811061079f5761079f610db3565b90506020020160208101906107b49190610be5565b6040516351fe061160e11b815260048101929092526001600160401b03166024820152604481018290526064810184905260840161029b565b828255600182018054426001600160401b03908116600160401b026001600160801b031990921643919091161717905588888581811061082f5761082f610db3565b90506020020160208101906108449190610be5565b6001600160401b03168b8b8681811061085f5761085f610db3565b905060200201357f38ec5d7c6355d8f84953f4f292aa5a7797b1850bb8c0f48a0026338ebcd233788560405161089791815260200190565b60405180910390a35050505b6001016106ab565b816108c95760405163506f3a1b60e01b815260040160405180910390fd5b6001600160401b0381165f90815260046020526040902080548381036108ef5750505050565b801561092a576040516001624344e560e01b031981526001600160401b0384166004820152602481018290526044810185905260640161029b565b838255600182018054436001600160401b039081166001600160801b031990921691909117600160401b4283160217909155604051858152908416907ffce1f94d82a01636b8ef6222d0f5bf6d37b45f9c8cabce48daabdec7f8b962599060200160405180910390a250505050565b5f5f83601f8401126109a9575f5ffd5b5081356001600160401b038111156109bf575f5ffd5b6020830191508360208260051b85010111156109d9575f5ffd5b9250929050565b5f5f5f5f5f5f606087890312156109f5575f5ffd5b86356001600160401b03811115610a0a575f5ffd5b610a1689828a01610999565b90975095505060208701356001600160401b03811115610a34575f5ffd5b610a4089828a01610999565b90955093505060408701356001600160401b03811115610a5e575f5ffd5b610a6a89828a01610999565b979a9699509497509295939492505050565b80356001600160401b0381168114610a92575f5ffd5b919050565b5f5f60408385031215610aa8575f5ffd5b82359150610ab860208401610a7c565b90509250929050565b5f5f5f5f5f5f5f5f60a0898b031215610ad8575f5ffd5b88356001600160401b03811115610aed575f5ffd5b610af98b828c01610999565b90995097505060208901356001600160401b03811115610b17575f5ffd5b610b238b828c01610999565b90975095505060408901356001600160401b03811115610b41575f5ffd5b610b4d8b828c01610999565b90955093505060608901359150610b6660808a01610a7c565b90509295985092959890939650565b80358015158114610a92575f5ffd5b5f5f5f5f5f60808688031215610b98575f5ffd5b8535945060208601356001600160401b03811115610bb4575f5ffd5b610bc088828901610999565b90955093505060408601359150610bd960608701610b75565b90509295509295909350565b5f60208284031215610bf5575f5ffd5b610bfe82610a7c565b9392505050565b80356001600160a01b0381168114610a92575f5ffd5b5f60208284031215610c2b575f5ffd5b610bfe82610c05565b5f60208284031215610c44575f5ffd5b5035919050565b608080825285519082018190525f90602087019060a0840190835b81811015610c84578351835260209384019390920191600101610c66565b50506020840196909652505091151560408301526001600160401b0316606090910152919050565b5f5f60408385031215610cbd575f5ffd5b610cc683610c05565b9150610ab860208401610b75565b634e487b7160e01b5f52604160045260245ffd5b6001600160401b03831115610cff57610cff610cd4565b600160401b831115610d1357610d13610cd4565b805483825580841015610d4757815f528360205f20018482035f5b81811015610d43575f83820155600101610d2e565b5050505b505f8181526020812083915b858110156102b257823582820155602090920191600101610d53565b606080825281018490525f6001600160fb1b03851115610d8d575f5ffd5b8460051b8087608085013760208301949094525090151560408201520160800192915050565b634e487b7160e01b5f52603260045260245ffdfea164736f6c6343000825000a",
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

// PackAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf851a440.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function admin() view returns(address)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackAdmin() []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("admin")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf851a440.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function admin() view returns(address)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackAdmin() ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("admin")
}

// UnpackAdmin is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf851a440.
//
// Solidity: function admin() view returns(address)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackAdmin(data []byte) (common.Address, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("admin", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
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

// PackAnchorLogRoot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1d0f6924.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function anchorLogRoot(bytes32 root, uint64 treeSize) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackAnchorLogRoot(root [32]byte, treeSize uint64) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("anchorLogRoot", root, treeSize)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAnchorLogRoot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1d0f6924.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function anchorLogRoot(bytes32 root, uint64 treeSize) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackAnchorLogRoot(root [32]byte, treeSize uint64) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("anchorLogRoot", root, treeSize)
}

// PackAnchorStatusLists is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x09b7c48e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function anchorStatusLists(bytes32[] listIds, uint64[] versions, bytes32[] digests) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackAnchorStatusLists(listIds [][32]byte, versions []uint64, digests [][32]byte) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("anchorStatusLists", listIds, versions, digests)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAnchorStatusLists is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x09b7c48e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function anchorStatusLists(bytes32[] listIds, uint64[] versions, bytes32[] digests) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackAnchorStatusLists(listIds [][32]byte, versions []uint64, digests [][32]byte) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("anchorStatusLists", listIds, versions, digests)
}

// PackIsAnchorer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8eaaf6e3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function isAnchorer(address ) view returns(bool)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackIsAnchorer(arg0 common.Address) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("isAnchorer", arg0)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackIsAnchorer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8eaaf6e3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function isAnchorer(address ) view returns(bool)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackIsAnchorer(arg0 common.Address) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("isAnchorer", arg0)
}

// UnpackIsAnchorer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8eaaf6e3.
//
// Solidity: function isAnchorer(address ) view returns(bool)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackIsAnchorer(data []byte) (bool, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("isAnchorer", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackIssuer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xaf96bd6b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function issuer(bytes32 didHash) view returns(bytes32[] keyFingerprints, bytes32 allowedTypesHash, bool active, uint64 updatedBlock)
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
// Solidity: function issuer(bytes32 didHash) view returns(bytes32[] keyFingerprints, bytes32 allowedTypesHash, bool active, uint64 updatedBlock)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackIssuer(didHash [32]byte) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("issuer", didHash)
}

// IssuerOutput serves as a container for the return parameters of contract
// method Issuer.
type IssuerOutput struct {
	KeyFingerprints  [][32]byte
	AllowedTypesHash [32]byte
	Active           bool
	UpdatedBlock     uint64
}

// UnpackIssuer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xaf96bd6b.
//
// Solidity: function issuer(bytes32 didHash) view returns(bytes32[] keyFingerprints, bytes32 allowedTypesHash, bool active, uint64 updatedBlock)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackIssuer(data []byte) (IssuerOutput, error) {
	out, err := citizenCredentialRegistry.abi.Unpack("issuer", data)
	outstruct := new(IssuerOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.KeyFingerprints = *abi.ConvertType(out[0], new([][32]byte)).(*[][32]byte)
	outstruct.AllowedTypesHash = *abi.ConvertType(out[1], new([32]byte)).(*[32]byte)
	outstruct.Active = *abi.ConvertType(out[2], new(bool)).(*bool)
	outstruct.UpdatedBlock = *abi.ConvertType(out[3], new(uint64)).(*uint64)
	return *outstruct, nil
}

// PackLogRoot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6d58296d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function logRoot(uint64 treeSize) view returns(bytes32 root, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackLogRoot(treeSize uint64) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("logRoot", treeSize)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackLogRoot is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x6d58296d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function logRoot(uint64 treeSize) view returns(bytes32 root, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackLogRoot(treeSize uint64) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("logRoot", treeSize)
}

// LogRootOutput serves as a container for the return parameters of contract
// method LogRoot.
type LogRootOutput struct {
	Root        [32]byte
	BlockNumber uint64
	Timestamp   uint64
}

// UnpackLogRoot is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x6d58296d.
//
// Solidity: function logRoot(uint64 treeSize) view returns(bytes32 root, uint64 blockNumber, uint64 timestamp)
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

// PackSetAnchorer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xec8fbb3f.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setAnchorer(address anchorer, bool allowed) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackSetAnchorer(anchorer common.Address, allowed bool) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("setAnchorer", anchorer, allowed)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetAnchorer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xec8fbb3f.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setAnchorer(address anchorer, bool allowed) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackSetAnchorer(anchorer common.Address, allowed bool) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("setAnchorer", anchorer, allowed)
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
// the contract method with ID 0x2034f932.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function statusAnchor(bytes32 listId, uint64 version) view returns(bytes32 digest, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackStatusAnchor(listId [32]byte, version uint64) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("statusAnchor", listId, version)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStatusAnchor is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2034f932.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function statusAnchor(bytes32 listId, uint64 version) view returns(bytes32 digest, uint64 blockNumber, uint64 timestamp)
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackStatusAnchor(listId [32]byte, version uint64) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("statusAnchor", listId, version)
}

// StatusAnchorOutput serves as a container for the return parameters of contract
// method StatusAnchor.
type StatusAnchorOutput struct {
	Digest      [32]byte
	BlockNumber uint64
	Timestamp   uint64
}

// UnpackStatusAnchor is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2034f932.
//
// Solidity: function statusAnchor(bytes32 listId, uint64 version) view returns(bytes32 digest, uint64 blockNumber, uint64 timestamp)
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

// PackTransferAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x75829def.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferAdmin(address newAdmin) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) PackTransferAdmin(newAdmin common.Address) []byte {
	enc, err := citizenCredentialRegistry.abi.Pack("transferAdmin", newAdmin)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferAdmin is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x75829def.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferAdmin(address newAdmin) returns()
func (citizenCredentialRegistry *CitizenCredentialRegistry) TryPackTransferAdmin(newAdmin common.Address) ([]byte, error) {
	return citizenCredentialRegistry.abi.Pack("transferAdmin", newAdmin)
}

// CitizenCredentialRegistryAdminTransferred represents a AdminTransferred event raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryAdminTransferred struct {
	PreviousAdmin common.Address
	NewAdmin      common.Address
	Raw           *types.Log // Blockchain specific contextual infos
}

const CitizenCredentialRegistryAdminTransferredEventName = "AdminTransferred"

// ContractEventName returns the user-defined event name.
func (CitizenCredentialRegistryAdminTransferred) ContractEventName() string {
	return CitizenCredentialRegistryAdminTransferredEventName
}

// UnpackAdminTransferredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event AdminTransferred(address indexed previousAdmin, address indexed newAdmin)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackAdminTransferredEvent(log *types.Log) (*CitizenCredentialRegistryAdminTransferred, error) {
	event := "AdminTransferred"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != citizenCredentialRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CitizenCredentialRegistryAdminTransferred)
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

// CitizenCredentialRegistryAnchorerSet represents a AnchorerSet event raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryAnchorerSet struct {
	Anchorer common.Address
	Allowed  bool
	Raw      *types.Log // Blockchain specific contextual infos
}

const CitizenCredentialRegistryAnchorerSetEventName = "AnchorerSet"

// ContractEventName returns the user-defined event name.
func (CitizenCredentialRegistryAnchorerSet) ContractEventName() string {
	return CitizenCredentialRegistryAnchorerSetEventName
}

// UnpackAnchorerSetEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event AnchorerSet(address indexed anchorer, bool allowed)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackAnchorerSetEvent(log *types.Log) (*CitizenCredentialRegistryAnchorerSet, error) {
	event := "AnchorerSet"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != citizenCredentialRegistry.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(CitizenCredentialRegistryAnchorerSet)
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

// CitizenCredentialRegistryIssuerSet represents a IssuerSet event raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryIssuerSet struct {
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
// Solidity: event IssuerSet(bytes32 indexed didHash, bytes32[] keyFingerprints, bytes32 allowedTypesHash, bool active)
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
	Root     [32]byte
	TreeSize uint64
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
// Solidity: event LogRootAnchored(bytes32 root, uint64 indexed treeSize)
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

// CitizenCredentialRegistryStatusListAnchored represents a StatusListAnchored event raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryStatusListAnchored struct {
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
// Solidity: event StatusListAnchored(bytes32 indexed listId, uint64 indexed version, bytes32 digest)
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
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["LengthMismatch"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackLengthMismatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["LogRootConflict"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackLogRootConflictError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["NotAdmin"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackNotAdminError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["NotAnchorer"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackNotAnchorerError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["StatusListConflict"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackStatusListConflictError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["ZeroDigest"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackZeroDigestError(raw[4:])
	}
	if bytes.Equal(raw[:4], citizenCredentialRegistry.abi.Errors["ZeroTreeSize"].ID.Bytes()[:4]) {
		return citizenCredentialRegistry.UnpackZeroTreeSizeError(raw[4:])
	}
	return nil, errors.New("Unknown error")
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
	TreeSize uint64
	Anchored [32]byte
	Sent     [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error LogRootConflict(uint64 treeSize, bytes32 anchored, bytes32 sent)
func CitizenCredentialRegistryLogRootConflictErrorID() common.Hash {
	return common.HexToHash("0xffbcbb1b75700c36619656ffa5be5b8f664d7f96f2c218a2d1a023490771ccb6")
}

// UnpackLogRootConflictError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error LogRootConflict(uint64 treeSize, bytes32 anchored, bytes32 sent)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackLogRootConflictError(raw []byte) (*CitizenCredentialRegistryLogRootConflict, error) {
	out := new(CitizenCredentialRegistryLogRootConflict)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "LogRootConflict", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryNotAdmin represents a NotAdmin error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryNotAdmin struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotAdmin(address caller)
func CitizenCredentialRegistryNotAdminErrorID() common.Hash {
	return common.HexToHash("0x17a8424239494df835a470bd5e48f10a94b5febfef662a1917fe31decebbedeb")
}

// UnpackNotAdminError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotAdmin(address caller)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackNotAdminError(raw []byte) (*CitizenCredentialRegistryNotAdmin, error) {
	out := new(CitizenCredentialRegistryNotAdmin)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "NotAdmin", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryNotAnchorer represents a NotAnchorer error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryNotAnchorer struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotAnchorer(address caller)
func CitizenCredentialRegistryNotAnchorerErrorID() common.Hash {
	return common.HexToHash("0x0e5e5f6fb7b58e86a564686afc7a504f61673ce48074764f6af98ea30d68fcd6")
}

// UnpackNotAnchorerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotAnchorer(address caller)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackNotAnchorerError(raw []byte) (*CitizenCredentialRegistryNotAnchorer, error) {
	out := new(CitizenCredentialRegistryNotAnchorer)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "NotAnchorer", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// CitizenCredentialRegistryStatusListConflict represents a StatusListConflict error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryStatusListConflict struct {
	ListId   [32]byte
	Version  uint64
	Anchored [32]byte
	Sent     [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StatusListConflict(bytes32 listId, uint64 version, bytes32 anchored, bytes32 sent)
func CitizenCredentialRegistryStatusListConflictErrorID() common.Hash {
	return common.HexToHash("0xa3fc0c22ee14860b1172e3d22bdc3f399a2eea7ec76b1f05e4d55566a5e399a7")
}

// UnpackStatusListConflictError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StatusListConflict(bytes32 listId, uint64 version, bytes32 anchored, bytes32 sent)
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackStatusListConflictError(raw []byte) (*CitizenCredentialRegistryStatusListConflict, error) {
	out := new(CitizenCredentialRegistryStatusListConflict)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "StatusListConflict", raw); err != nil {
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

// CitizenCredentialRegistryZeroTreeSize represents a ZeroTreeSize error raised by the CitizenCredentialRegistry contract.
type CitizenCredentialRegistryZeroTreeSize struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroTreeSize()
func CitizenCredentialRegistryZeroTreeSizeErrorID() common.Hash {
	return common.HexToHash("0x4bf8fdf13153f25003a7646abb991562f221442222887e06c81718376808ff7e")
}

// UnpackZeroTreeSizeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroTreeSize()
func (citizenCredentialRegistry *CitizenCredentialRegistry) UnpackZeroTreeSizeError(raw []byte) (*CitizenCredentialRegistryZeroTreeSize, error) {
	out := new(CitizenCredentialRegistryZeroTreeSize)
	if err := citizenCredentialRegistry.abi.UnpackIntoInterface(out, "ZeroTreeSize", raw); err != nil {
		return nil, err
	}
	return out, nil
}
