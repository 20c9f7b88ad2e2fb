export { open, type SealedSecret, SealedSecretError, seal, type VaultContext } from "./token-vault";
