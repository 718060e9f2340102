import { VigilError } from '../core/index.ts';

/**
 * Codes: ONVIF_TIMEOUT (the device did not answer in time), ONVIF_UNREACHABLE (no connection),
 * ONVIF_BAD_RESPONSE (the answer is not SOAP, or lacks what the call returns), ONVIF_FAULT (the
 * device answered with a SOAP fault), ONVIF_AUTH (the device refused the user name or password),
 * ONVIF_BAD_INPUT (an address or value Vigil refuses to send), ONVIF_NOT_LINKED (the camera has no
 * ONVIF address yet).
 */
export class OnvifError extends VigilError {}
