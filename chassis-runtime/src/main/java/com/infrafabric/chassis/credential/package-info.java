/**
 * The credential vault: operators store named secrets sealed with AES-GCM under a rotating master
 * key ring; tools can have them injected into granted requests but never read them.
 */
package com.infrafabric.chassis.credential;
