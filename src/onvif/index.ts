// The ONVIF part (issue 15): Vigil's ONVIF client (device, media profiles and stream URLs, PTZ,
// pull-point events), WS-Discovery, and the SOAP both it and the simulator's ONVIF face speak.
export { OnvifError } from './errors.ts';
export { OnvifClient, type OnvifClientOptions, type OnvifDeviceInfo, type OnvifProfile, type PtzVector, type PtzStatus, type OnvifEventMessage } from './onvif-client.ts';
export { discoverOnvif, probeMessage, probeMatchesMessage, readProbe, readProbeMatches, WS_DISCOVERY_ADDRESS, WS_DISCOVERY_PORT, type DiscoveredDevice } from './discovery.ts';
export { NS, envelope, faultEnvelope, parseSoap, readUsernameToken, checkUsernameToken, usernameToken, passwordDigest, xmlEscape, text, child, children, type ParsedSoap, type XmlNode, type UsernameToken } from './soap.ts';
export { vigilEventOf, type VigilEventFromOnvif } from './event-kinds.ts';
export { OnvifEvents, type OnvifEventsOptions } from './event-puller.ts';
