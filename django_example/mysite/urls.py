from django.urls import path

from hatch_centrifugo_sdk.django import rpc_proxy_view

urlpatterns = [
    # Centrifugo's rpc.proxy.endpoint: http://<this service>/centrifugo/rpc
    path("centrifugo/rpc", rpc_proxy_view()),
]
