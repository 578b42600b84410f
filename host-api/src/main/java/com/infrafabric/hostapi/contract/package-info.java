/**
 * The service contract a publisher signs for each tool version: identity, the module digest, the
 * capabilities requested with their parameters, resource limits and SLOs. These are plain values;
 * the JSON form and its signature are handled by the chassis.
 */
package com.infrafabric.hostapi.contract;
