/**
 * The credential vault's storage: named secrets sealed with AES-GCM under a rotating master key
 * ring ({@link com.infrafabric.llm.vault.MasterKeys}), kept in one Redis hash, and opened for the
 * one outbound header they go into ({@link com.infrafabric.llm.vault.CredentialStore}). Who may
 * write them, and keeping them from tools, is the chassis's business.
 */
package com.infrafabric.llm.vault;
