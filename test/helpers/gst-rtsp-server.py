#!/usr/bin/python3
# Debian's GStreamer RTSP server, as an independent peer for Vigil's RTSP client tests.
# Run with /usr/bin/python3 (needs python3-gi, gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-ugly).
# Prints "READY <port>" once it listens.
import argparse
import signal
import sys

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstRtsp', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument('--port', type=int, required=True)
p.add_argument('--path', default='/test')
p.add_argument('--auth', choices=['none', 'basic', 'digest'], default='none')
p.add_argument('--user', default='')
p.add_argument('--password', default='')
p.add_argument('--audio', action='store_true', help='also offer an audio track')
args = p.parse_args()

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(str(args.port))

video = ('videotestsrc is-live=true ! video/x-raw,width=640,height=360,framerate=25/1 '
         '! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 bitrate=800 '
         '! rtph264pay name=pay0 pt=96 config-interval=1')
audio = ' audiotestsrc is-live=true ! audioconvert ! audioresample ! alawenc ! rtppcmapay name=pay1 pt=8'
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch('( ' + video + (audio if args.audio else '') + ' )')
factory.set_shared(True)

if args.auth != 'none':
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string('media.factory.role', 'viewer')
    if args.auth == 'basic':
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
    else:
        auth.add_digest(args.user, args.password, token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    server.set_auth(auth)
    perms = GstRtspServer.RTSPPermissions()
    perms.add_permission_for_role('viewer', 'media.factory.access', True)
    perms.add_permission_for_role('viewer', 'media.factory.construct', True)
    factory.set_permissions(perms)

server.get_mount_points().add_factory(args.path, factory)
if server.attach(None) == 0:
    print('FAILED to listen on port %d' % args.port, flush=True)
    sys.exit(2)

loop = GLib.MainLoop()
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
print('READY %d' % server.get_bound_port(), flush=True)
loop.run()
