package com.infrafabric.chassis.internal.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AddressClassifierTest {

  @ParameterizedTest
  @CsvSource({
    "8.8.8.8, PUBLIC",
    "1.1.1.1, PUBLIC",
    "127.0.0.1, LOOPBACK",
    "127.255.255.254, LOOPBACK",
    "0.0.0.0, UNSPECIFIED",
    "0.1.2.3, UNSPECIFIED",
    "10.0.0.1, PRIVATE",
    "172.16.0.1, PRIVATE",
    "172.31.255.255, PRIVATE",
    "172.32.0.1, PUBLIC",
    "192.168.1.1, PRIVATE",
    "100.64.0.1, CARRIER_GRADE_NAT",
    "100.100.100.200, CARRIER_GRADE_NAT",
    "169.254.169.254, METADATA",
    "169.254.1.1, LINK_LOCAL",
    "192.0.0.192, RESERVED",
    "192.0.2.1, DOCUMENTATION",
    "198.51.100.7, DOCUMENTATION",
    "203.0.113.9, DOCUMENTATION",
    "198.18.0.1, BENCHMARKING",
    "192.88.99.1, RESERVED",
    "224.0.0.1, MULTICAST",
    "240.0.0.1, RESERVED",
    "255.255.255.255, RESERVED",
    "2606:4700:4700::1111, PUBLIC",
    "::, UNSPECIFIED",
    "::1, LOOPBACK",
    "::7f00:1, RESERVED",
    "::ffff:0:7f00:1, RESERVED",
    "64:ff9b::7f00:1, LOOPBACK",
    "64:ff9b::808:808, PUBLIC",
    "64:ff9b:1::1, RESERVED",
    "2002:7f00:1::, LOOPBACK",
    "2002:a9fe:a9fe::1, METADATA",
    "2002:808:808::1, PUBLIC",
    "2001::1, RESERVED",
    "2001:db8::1, DOCUMENTATION",
    "3fff::1, DOCUMENTATION",
    "2001:2::1, BENCHMARKING",
    "fd00:ec2::254, METADATA",
    "fd00::1, PRIVATE",
    "fc00::1, PRIVATE",
    "fec0::1, PRIVATE",
    "fe80::1, LINK_LOCAL",
    "ff02::1, MULTICAST",
    "100::1, RESERVED",
    "5f00::1, RESERVED",
    "4000::1, RESERVED"
  })
  void classifiesEverySpecialRange(String address, AddressClass expected) throws Exception {
    assertThat(AddressClassifier.classify(InetAddress.getByName(address))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"127.0.0.1, LOOPBACK", "10.1.2.3, PRIVATE", "169.254.169.254, METADATA"})
  void classifiesIpv4MappedIpv6ByTheAddressItCarries(String ipv4, AddressClass expected)
      throws Exception {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xFF;
    mapped[11] = (byte) 0xFF;
    System.arraycopy(InetAddress.getByName(ipv4).getAddress(), 0, mapped, 12, 4);
    assertThat(AddressClassifier.classify(mapped)).isEqualTo(expected);
  }
}
