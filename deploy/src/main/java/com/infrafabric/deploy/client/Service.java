package com.infrafabric.deploy.client;

/** The two services a client command talks to, with where their URL comes from. */
enum Service {
  GOVERNOR("IF_GOVERNOR_URL", "governor.url", "http://127.0.0.1:8080"),
  CHASSIS("IF_CHASSIS_URL", "chassis.url", "http://127.0.0.1:8081");

  final String environmentVariable;
  final String configKey;
  final String localDefault;

  Service(String environmentVariable, String configKey, String localDefault) {
    this.environmentVariable = environmentVariable;
    this.configKey = configKey;
    this.localDefault = localDefault;
  }
}
