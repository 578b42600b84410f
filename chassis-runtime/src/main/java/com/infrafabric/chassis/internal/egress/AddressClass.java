package com.infrafabric.chassis.internal.egress;

/** What an IP address is, for deciding whether a guest may reach it. */
enum AddressClass {
  PUBLIC("a public"),
  LOOPBACK("a loopback"),
  PRIVATE("a private"),
  CARRIER_GRADE_NAT("a shared (carrier-grade NAT)"),
  LINK_LOCAL("a link-local"),
  METADATA("a cloud metadata"),
  UNSPECIFIED("an unspecified"),
  MULTICAST("a multicast"),
  DOCUMENTATION("a documentation"),
  BENCHMARKING("a benchmarking"),
  RESERVED("a reserved or deprecated");

  private final String description;

  AddressClass(String description) {
    this.description = description;
  }

  /** Words for messages: "127.0.0.1 is a loopback address". */
  public String description() {
    return description;
  }
}
